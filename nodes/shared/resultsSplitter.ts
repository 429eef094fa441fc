import type { IDataObject } from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

import type { Line, LineStore } from './lineStore';
import { stringEnd } from './scanLine';
import { UnreadableBodyError } from './transport/streams';

const QUOTE = 0x22;

/** The page's bytes are not the JSON they claim to be (cut off, or not JSON at all). */
export class PageSyntaxError extends UnreadableBodyError {}

/** What n8n's jsonParse gives here for a text that is not JSON. */
export const NOT_JSON = Symbol('not JSON');

/**
 * Splits a page of a DRF list, `{"next": …, "results": [{…}, {…}]}`, into its records while the
 * page streams in, without parsing the page: each object of `results` is copied byte for byte
 * into a {@link LineStore} and handed to `onRecord` as soon as its closing brace arrives (which
 * may keep it or `drop` it from the store); everything else of the page (the envelope: `next`,
 * `count`, …) is kept aside and parsed at the end, with `results` left empty. What this reads is
 * only JSON's structure (strings, their escapes, nesting), so any whitespace, key order or chunking
 * gives the same records. Newlines between a record's tokens (pretty-printed JSON) become spaces,
 * so each record is one line; inside strings JSON has no raw newlines.
 */
export class ResultsSplitter {
	private depth = 0;
	private topIsObject = false;
	private inString = false;
	/** the last chunk ended on a backslash inside a string: the next byte is escaped */
	private escaped = false;
	/** the text of the string being read at the envelope's top level (its keys), and the last one read */
	private keyText: string | undefined;
	private lastString = '';
	private key: string | undefined;
	private inResults = false;
	private resultsSeen = false;
	private recording = false;
	private recordNewline = false;
	private readonly envelope: Buffer[] = [];

	constructor(
		private readonly store: LineStore,
		private readonly onRecord: (line: Line) => void,
	) {}

	/** Reads the next piece of the page. */
	write(chunk: Buffer): void {
		const n = chunk.length;
		let i = 0;
		let envelopeFrom = this.inResults ? -1 : 0;
		let recordFrom = this.recording ? 0 : -1;
		let keyFrom = this.keyText !== undefined ? 0 : -1;
		if (this.escaped && n > 0) {
			this.escaped = false;
			i = 1;
		}
		while (i < n) {
			if (this.inString) {
				const quote = stringEnd(chunk, i, n);
				if (quote >= n) {
					if (quote > n) this.escaped = true;
					i = n;
					break;
				}
				this.inString = false;
				if (keyFrom >= 0) {
					this.lastString = (this.keyText as string) + chunk.toString('latin1', keyFrom, quote);
					this.keyText = undefined;
					keyFrom = -1;
				}
				i = quote + 1;
				continue;
			}
			const c = chunk[i];
			if (c === QUOTE) {
				this.inString = true;
				if (this.depth === 1 && !this.inResults) {
					this.keyText = '';
					keyFrom = i + 1;
				}
			} else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
				this.depth++;
				if (this.depth === 1) {
					this.topIsObject = c === 0x7b;
				} else if (this.depth === 2 && c === 0x5b && this.topIsObject && this.key === 'results' && !this.resultsSeen) {
					this.inResults = true;
					this.resultsSeen = true;
					this.envelope.push(Buffer.from(chunk.subarray(envelopeFrom, i + 1)));
					envelopeFrom = -1;
				} else if (this.depth === 3 && this.inResults && c === 0x7b) {
					this.recording = true;
					this.recordNewline = false;
					this.store.begin();
					recordFrom = i;
				}
			} else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
				if (this.recording && this.depth === 3) {
					this.store.append(chunk, recordFrom, i + 1);
					this.recording = false;
					recordFrom = -1;
					this.handOver();
				} else if (this.inResults && this.depth === 2) {
					this.inResults = false;
					envelopeFrom = i;
				}
				this.depth--;
				if (this.depth < 0) throw new PageSyntaxError('a closing bracket without its opening one');
			} else if (this.depth === 1 && !this.inResults) {
				if (c === 0x3a /* : */) this.key = this.lastString;
				else if (c === 0x2c /* , */) this.key = undefined;
			} else if ((c === 0x0a || c === 0x0d) && this.recording) {
				this.recordNewline = true;
			}
			i++;
		}
		if (this.recording && recordFrom >= 0) this.store.append(chunk, recordFrom, n);
		if (envelopeFrom >= 0) this.envelope.push(Buffer.from(chunk.subarray(envelopeFrom, n)));
		if (keyFrom >= 0) this.keyText = (this.keyText as string) + chunk.toString('latin1', keyFrom, n);
	}

	/** The page read to its end: its envelope (`results` empty), and whether it had `results` at all. */
	finish(): { envelope: IDataObject; hasResults: boolean } {
		if (this.depth !== 0 || this.inString) throw new PageSyntaxError('the page ends in the middle of its JSON');
		const text = Buffer.concat(this.envelope).toString('utf8').trim();
		const envelope = jsonParse<unknown>(text, { fallbackValue: NOT_JSON });
		if (envelope === NOT_JSON) throw new PageSyntaxError(`the page is not JSON (it starts "${text.slice(0, 40)}")`);
		if (!envelope || typeof envelope !== 'object' || Array.isArray(envelope)) {
			throw new PageSyntaxError('the page is not a JSON object');
		}
		return { envelope: envelope as IDataObject, hasResults: this.resultsSeen };
	}

	private handOver(): void {
		const line = this.store.end();
		if (this.recordNewline) {
			for (let k = line.start; k < line.end; k++) {
				const byte = line.slab[k];
				if (byte === 0x0a || byte === 0x0d) line.slab[k] = 0x20;
			}
		}
		this.onRecord(line);
	}
}
