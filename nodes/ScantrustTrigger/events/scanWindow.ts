import type { IDataObject } from 'n8n-workflow';

import type { ScanEntry } from '../../shared/windowScans';

/**
 * The New Scan event's position in the data, and how it moves.
 *
 * A scan can become visible after scans dated later than it (a phone that was offline): paging
 * on from a cursor would never see it. So each poll re-reads from `from` = newest delivered scan
 * time − the late-scan window, in time windows read completely and sorted (so the export's order
 * does not matter, see nodes/shared/scanExport.ts), and skips the scans already delivered
 * inside that window, which `seen` lists. The invariant after every successful poll:
 *
 *   every matching scan dated at or after `from` has been delivered (and is in `seen`) or has
 *   not been read yet; nothing dated before `from` will be delivered.
 *
 * Scans with equal times are told apart by their identity (the uuid, or a fingerprint of a
 * record without one), so the boundary needs no special case. Positions are microsecond time
 * keys (see datetime.ts); none of it uses the n8n host's clock.
 */

/**
 * Most scan IDs kept (about 60 bytes each in the workflow's static data). Beyond it the oldest
 * delivered scans are forgotten and the window starts after them: during a burst the late-scan
 * window shrinks rather than the static data growing.
 */
export const MAX_SEEN = 2500;

export class ScanWindow {
	/** Time key of the last scan looked at in this poll: nothing before it is still unread. */
	private lastExamined: number | undefined;

	private constructor(
		public from: number,
		public newest: number | undefined,
		private readonly seen: Map<string, number>,
	) {}

	/** A window that starts at `from` with nothing delivered yet (baseline or backfill). */
	static startingAt(from: number): ScanWindow {
		return new ScanWindow(from, undefined, new Map());
	}

	/** The stored window, or undefined when the state is missing or not ours (a new baseline follows). */
	static restore(state: IDataObject | undefined): ScanWindow | undefined {
		if (!state || typeof state.from !== 'number' || !Number.isFinite(state.from)) return undefined;
		const seen = new Map<string, number>();
		const stored = state.seen;
		if (stored && typeof stored === 'object' && !Array.isArray(stored)) {
			for (const [id, offset] of Object.entries(stored as IDataObject)) {
				if (typeof offset === 'number') seen.set(id, state.from + offset);
			}
		}
		const newest = typeof state.newest === 'number' ? state.newest : undefined;
		return new ScanWindow(state.from, newest, seen);
	}

	get size(): number {
		return this.seen.size;
	}

	/**
	 * Looks at one scan of the re-read, in (time, identity) order: true when it is new (dated in
	 * the window and not delivered before), in which case it is now counted as delivered.
	 */
	take(entry: ScanEntry): boolean {
		this.lastExamined = entry.time;
		if (entry.time < this.from) return false;
		if (this.seen.has(entry.id)) return false;
		this.seen.set(entry.id, entry.time);
		if (this.newest === undefined || entry.time > this.newest) this.newest = entry.time;
		return true;
	}

	/**
	 * After a successful poll: the window follows the newest delivered scan and forgets IDs that
	 * fell out of it. `complete` says the poll read to the end of the list; when it stopped early
	 * the window must not move past what is still unread.
	 */
	advance(lagUs: number, complete: boolean): void {
		if (this.newest !== undefined) this.from = Math.max(this.from, this.newest - lagUs);
		for (const [id, key] of this.seen) if (key < this.from) this.seen.delete(id);
		if (this.seen.size > MAX_SEEN) this.trim(complete ? Infinity : (this.lastExamined ?? this.from));
	}

	/** Forgets the oldest delivered scans, whole time groups at a time, never at or past `limit` or the newest. */
	private trim(limit: number): void {
		const entries = [...this.seen.entries()].sort((a, b) => a[1] - b[1]);
		const keep = Math.min(limit, this.newest ?? Infinity);
		let index = 0;
		while (entries.length - index > MAX_SEEN && entries[index][1] < keep) {
			const key = entries[index][1];
			while (index < entries.length && entries[index][1] === key) this.seen.delete(entries[index++][0]);
			this.from = key + 1;
		}
	}

	toState(): IDataObject {
		const seen: IDataObject = {};
		for (const [id, key] of this.seen) seen[id] = key - this.from;
		return { from: this.from, ...(this.newest !== undefined ? { newest: this.newest } : {}), seen };
	}
}
