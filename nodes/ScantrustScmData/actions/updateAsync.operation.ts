import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { waitParameters, waitSettings } from '../../shared/waiting';
import type { WaitSettings } from '../../shared/waiting';
import { emptyValuesOption, fieldsToWriteProperty, readScmData } from '../../shared/scmFields';
import { codeIdentifier, fieldKey, invalid } from '../../shared/validate';
import { hasFailed, startScmTask, taskFailedError, waitForTask } from '../../shared/scmTask';

const properties: INodeProperties[] = [
	{
		displayName: 'Constraints',
		name: 'constraints',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Constraint',
		default: {},
		required: true,
		description: 'Which codes to update. With several constraints a code must match all of them.',
		options: [
			{
				displayName: 'Constraint',
				name: 'constraint',
				values: [
					{
						displayName: 'Select Codes By',
						name: 'field',
						type: 'options',
						default: 'extended_id',
						options: [
							{ name: 'Extended IDs', value: 'extended_id' },
							{ name: 'Serial Numbers', value: 'serial_number' },
							{ name: 'SCM Field', value: 'scmField' },
						],
					},
					{
						displayName: 'SCM Field Key',
						name: 'scmFieldKey',
						type: 'string',
						default: '',
						placeholder: 'e.g. lot_number',
						displayOptions: { show: { field: ['scmField'] } },
					},
					{
						displayName: 'Values',
						name: 'values',
						type: 'string',
						default: '',
						placeholder: 'e.g. 0A7056VqlZpD, 5ub3Xa9QsPtE',
						description:
							'One or more values separated by commas, or an expression that returns a list; a code matches when it has any of them',
					},
				],
			},
		],
	},
	{ ...fieldsToWriteProperty, description: `The same data is written to every matched code. ${fieldsToWriteProperty.description}` },
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until Scantrust has finished the task and output its final state; otherwise output the task ID at once (check it later with "Get Task")',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			emptyValuesOption,
			...waitParameters('task').map((option) => ({
				...option,
				displayOptions: { show: { '/waitForCompletion': [true] } },
			})),
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['updateAsync'] } }, properties);

/** Values from a comma list or a list-valued expression. */
function splitValues(raw: unknown): unknown[] {
	if (Array.isArray(raw)) return raw;
	if (raw === undefined || raw === null) return [];
	return String(raw).split(',');
}

/**
 * The `constraints` object. Extended IDs always go as a list (the documented form); a single serial
 * number or SCM value goes as a string, as in the client code seen calling the API, and several as a list.
 */
function readConstraints(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const rows = context.getNodeParameter('constraints.constraint', itemIndex, []) as IDataObject[];
	if (!rows.length) throw invalid(context, itemIndex, 'Constraints', 'is empty; add at least one to select the codes');
	const constraints: IDataObject = {};
	rows.forEach((row, position) => {
		const label = `Constraint ${position + 1}`;
		const key =
			row.field === 'scmField'
				? fieldKey(context, itemIndex, row.scmFieldKey, `${label}: SCM Field Key`)
				: String(row.field ?? 'extended_id');
		if (key in constraints) {
			throw invalid(context, itemIndex, label, `selects by "${key}" again; put all its values in one constraint`);
		}
		const values = splitValues(row.values).map((value, n) => {
			const where = `${label}: value ${n + 1}`;
			if (value !== null && typeof value === 'object') throw invalid(context, itemIndex, where, 'must be text or a number');
			if (key === 'extended_id' || key === 'serial_number') return codeIdentifier(context, itemIndex, value, where);
			return String(value ?? '').trim();
		});
		const nonEmpty = values.filter((value) => value !== '');
		if (!nonEmpty.length) throw invalid(context, itemIndex, `${label}: Values`, 'is empty');
		constraints[key] = key === 'extended_id' || nonEmpty.length > 1 ? nonEmpty : nonEmpty[0];
	});
	return constraints;
}

function readScmDataFor(context: IExecuteFunctions, itemIndex: number, options: IDataObject): IDataObject {
	return readScmData(context, itemIndex, { mappingMode: 'defineBelow', emptyValues: String(options.emptyValues ?? 'skip') });
}

interface AsyncInput {
	constraints: IDataObject;
	scmData: IDataObject;
	/** set when the node waits for the task */
	wait?: WaitSettings;
}

export function validate(this: IExecuteFunctions, itemIndex: number): AsyncInput {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		constraints: readConstraints(this, itemIndex),
		scmData: readScmDataFor(this, itemIndex, options),
		wait: this.getNodeParameter('waitForCompletion', itemIndex, true) ? waitSettings(this, itemIndex, { options }) : undefined,
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number, input: AsyncInput): Promise<IDataObject> {
	const taskId = await startScmTask.call(this, input.constraints, input.scmData, itemIndex);
	if (!input.wait) return { task_id: taskId };

	const { intervalMs, timeoutMs } = input.wait;
	const task = await waitForTask.call(this, taskId, itemIndex, intervalMs, timeoutMs);
	if (hasFailed(task)) throw taskFailedError(this, task, itemIndex);
	return { task_id: taskId, ...task };
}
