import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readableFrom } from './transport/streams';

export const JSON_LINES_MIME_TYPE = 'application/x-ndjson';

export interface JsonLinesFile {
	binary: IBinaryData;
	/** records written, one per line */
	records: number;
}

/**
 * Writes records into one JSON Lines file in n8n's binary store (one record per line, as
 * `JSON.stringify` gives it, each line ended by `\n`), page by page as they arrive: the store
 * asks for the next page only when it has taken the last one, so at most a page or two is in
 * memory however long the export runs. An error while reading (a failed page) fails the file:
 * nothing half-written is passed on.
 */
export async function writeJsonLines(
	context: IExecuteFunctions,
	pages: AsyncIterable<IDataObject[]>,
	fileName: string,
): Promise<JsonLinesFile> {
	let records = 0;
	async function* lines(): AsyncGenerator<Buffer> {
		for await (const page of pages) {
			if (!page.length) continue;
			let text = '';
			for (let k = 0; k < page.length; k++) text += `${JSON.stringify(page[k])}\n`;
			records += page.length;
			yield Buffer.from(text, 'utf8');
		}
	}
	const binary = await context.helpers.prepareBinaryData(readableFrom(lines()), fileName, JSON_LINES_MIME_TYPE);
	return { binary, records };
}
