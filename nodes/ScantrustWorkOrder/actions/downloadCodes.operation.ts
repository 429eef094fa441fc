import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { downloadToBinary } from '../../shared/transport';
import { requiredString } from '../../shared/validate';
import { resolveWorkOrder, workOrderLocator, workOrderLocatorValue } from '../../shared/workOrders';
import { waitParameters, waitSettings } from '../../shared/waiting';
import type { WaitSettings } from '../../shared/waiting';
import type { LocatorValue } from '../../shared/locators';
import { isGenerated, waitUntilGenerated } from '../helpers/completion';
import { permissionsFor } from '../../shared/permissions';

const PERMISSIONS = permissionsFor('Work Order', 'downloadCodes');

const properties: INodeProperties[] = [
	{ ...workOrderLocator, description: 'The work order whose codes to download' },
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the output binary field to put the zip file in',
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description: 'Whether to wait for the codes to be generated first, instead of failing when they are not ready',
	},
	...waitParameters('code generation', { waitForCompletion: [true] }),
];

export const description = updateDisplayOptions({ show: { operation: ['downloadCodes'] } }, properties);

interface DownloadInput {
	workOrder: LocatorValue;
	property: string;
	/** set when the node waits for the codes */
	wait?: WaitSettings;
}

export function validate(this: IExecuteFunctions, itemIndex: number): DownloadInput {
	return {
		workOrder: workOrderLocatorValue(this, itemIndex),
		property: requiredString(this, itemIndex, 'binaryPropertyName', 'Put Output File in Field'),
		wait: this.getNodeParameter('waitForCompletion', itemIndex, false) ? waitSettings(this, itemIndex) : undefined,
	};
}

/** A reference may hold characters a file name cannot. */
function fileNameFor(workOrder: IDataObject): string {
	const base = String(workOrder.reference ?? `workorder-${String(workOrder.id)}`).replace(/[^A-Za-z0-9._-]+/g, '_');
	return `${base || `workorder-${String(workOrder.id)}`}.zip`;
}

/**
 * The work order's zip (codes.csv, manifest.json, parameters.txt, ...) from its `codegen_file`
 * link. The link points at a file store, so it is fetched without the UAT token.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, input: DownloadInput): Promise<INodeExecutionData[]> {
	const { property } = input;
	let workOrder = await resolveWorkOrder.call(this, itemIndex, input.workOrder, PERMISSIONS);
	if (!isGenerated(workOrder) && input.wait) {
		workOrder = await waitUntilGenerated.call(this, Number(workOrder.id), itemIndex, input.wait);
	}
	if (!isGenerated(workOrder)) {
		throw new NodeOperationError(
			this.getNode(),
			`Work order ${String(workOrder.reference ?? workOrder.id)} has no code file yet (state: ${String(workOrder.state ?? 'unknown')})`,
			{
				itemIndex,
				description:
					'Scantrust generates the codes in the background. Turn on "Wait for Completion" here, or run "Wait for Completion" before this step.',
			},
		);
	}
	const fileName = fileNameFor(workOrder);
	// Streamed into n8n's binary store as it arrives, without the token.
	const { binary, bytes } = await downloadToBinary.call(this, String(workOrder.codegen_file), {
		fileName,
		mimeType: 'application/zip',
		itemIndex,
	});
	// The link is a time-limited key to the file: it is not passed on in the output.
	const json: IDataObject = { ...workOrder };
	delete json.codegen_file;
	return [{ json: { ...json, fileName, fileSize: bytes }, binary: { [property]: binary } }];
}
