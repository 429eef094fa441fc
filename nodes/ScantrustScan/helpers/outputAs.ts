import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { writeJsonLines } from '../../shared/jsonLines';
import type { LineBatch } from '../../shared/lineStore';
import { invalid } from '../../shared/validate';

/**
 * Scan → Get Many's Output As: one item per scan (n8n holds every one in memory), or one JSON
 * Lines file written as the pages arrive, for exports too large for items (a year of scans).
 */
export const outputAsProperties: INodeProperties[] = [
	{
		displayName: 'Output As',
		name: 'outputAs',
		type: 'options',
		default: 'items',
		options: [
			{ name: 'Items', value: 'items', description: 'One item per scan' },
			{
				name: 'JSON Lines File',
				value: 'jsonLines',
				description:
					'One file with one scan per line (as Scantrust gives it), written as the scans arrive; for exports too large for items',
			},
		],
		description: 'Whether to put out one item per scan, or all scans in one file',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field to put the JSON Lines file in',
		displayOptions: { show: { outputAs: ['jsonLines'] } },
	},
];

export type OutputAs = { mode: 'items' } | { mode: 'jsonLines'; property: string };

/** The chosen output, checked (a field name without spaces for the file). */
export function readOutputAs(context: IExecuteFunctions, itemIndex: number): OutputAs {
	const mode = context.getNodeParameter('outputAs', itemIndex, 'items') as string;
	if (mode === 'items') return { mode };
	if (mode !== 'jsonLines') throw invalid(context, itemIndex, 'Output As', `is not supported (got "${mode}")`);
	const property = String(context.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim();
	if (!property || /\s/.test(property)) {
		throw invalid(context, itemIndex, 'Put Output File in Field', 'must be a field name without spaces');
	}
	return { mode, property };
}

/** All scans of the export in one JSON Lines file: one output item, the file under `property`. */
export async function scansToFile(
	context: IExecuteFunctions,
	pages: AsyncIterable<LineBatch>,
	property: string,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const fileName = `scantrust-scans-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
	const { binary, records } = await writeJsonLines(context, pages, fileName);
	return [{ json: { fileName, scans: records }, binary: { [property]: binary }, pairedItem: { item: itemIndex } }];
}
