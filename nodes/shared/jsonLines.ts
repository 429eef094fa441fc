import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { LineBatch } from './lineStore';
import { readableFrom } from './transport/streams';

export const JSON_LINES_MIME_TYPE = 'application/x-ndjson';

export interface JsonLinesFile {
	binary: IBinaryData;
	/** records written, one per line */
	records: number;
}

/**
 * Writes records into one JSON Lines file in n8n's binary store (one record per line, its JSON
 * as the API gave it, each line ended by `\n`), batch by batch as they arrive: the store asks for
 * the next batch only when it has taken the last one, so at most a batch or two is in memory
 * however long the export runs. An error while reading (a failed page) fails the file:
 * nothing half-written is passed on.
 */
export async function writeJsonLines(
	context: IExecuteFunctions,
	batches: AsyncIterable<LineBatch>,
	fileName: string,
): Promise<JsonLinesFile> {
	let records = 0;
	async function* chunks(): AsyncGenerator<Buffer> {
		for await (const batch of batches) {
			if (!batch.lines) continue;
			records += batch.lines;
			for (const chunk of batch.chunks) yield chunk;
		}
	}
	const binary = await context.helpers.prepareBinaryData(readableFrom(chunks()), fileName, JSON_LINES_MIME_TYPE);
	return { binary, records };
}
