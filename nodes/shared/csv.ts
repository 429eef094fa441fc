/**
 * A small CSV reader for the files Scantrust hands out (the code data export, scantrust-api.md
 * §7.3): RFC 4180 quoting, CRLF or LF line ends, an optional UTF-8 byte order mark. The delimiter
 * and encoding are not documented; the comma is Python's `csv` default.
 */

/** The rows of a CSV text; each row a list of cells. A trailing line break adds no row. */
export function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
	for (; i < text.length; i++) {
		const char = text[i];
		if (quoted) {
			if (char === '"') {
				if (text[i + 1] === '"') {
					cell += '"';
					i++;
				} else quoted = false;
			} else cell += char;
			continue;
		}
		if (char === '"') quoted = true;
		else if (char === ',') {
			row.push(cell);
			cell = '';
		} else if (char === '\n' || char === '\r') {
			if (char === '\r' && text[i + 1] === '\n') i++;
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
		} else cell += char;
	}
	if (cell !== '' || row.length) {
		row.push(cell);
		rows.push(row);
	}
	return rows;
}

/** The header row and one object per further row (cells by column name; missing cells are ''). */
export function csvRecords(text: string): { columns: string[]; records: Array<Record<string, string>> } {
	const [header = [], ...rows] = parseCsv(text);
	const columns = header.map((name) => name.trim());
	const records = rows
		.filter((row) => row.some((cell) => cell !== ''))
		.map((row) => {
			const record: Record<string, string> = {};
			columns.forEach((name, position) => (record[name] = row[position] ?? ''));
			return record;
		});
	return { columns, records };
}
