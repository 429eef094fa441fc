import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { FROM_VERSION_1_1, productLocator, VERSION_1 } from '../../shared/descriptions';
import { checkLocator, resolveProductId } from '../../shared/lookups';
import { apiRequest } from '../../shared/transport';
import { invalid, positiveInteger, requiredString } from '../../shared/validate';
import { findWorkOrderByReference } from '../../shared/workOrders';
import { waitParameters, waitSettings } from '../../shared/waiting';
import { waitUntilGenerated } from '../helpers/completion';
import { permissionsFor } from '../../shared/permissions';
import { readLocator } from '../../shared/locators';
import type { LocatorValue } from '../../shared/locators';

/** WOSID lists all five for creating a work order. */
const PERMISSIONS = permissionsFor('Work Order', 'create');

const quantityProperty: INodeProperties = {
	displayName: 'Quantity',
	name: 'quantity',
	type: 'number',
	required: true,
	typeOptions: { minValue: 1 },
	default: null,
	placeholder: 'e.g. 5000',
	description: 'How many codes to generate; generated codes cannot be deleted',
	builderHint: { propertyHint: 'Required: the number of codes the user asked for. Never pick a number yourself.' },
};

const properties: INodeProperties[] = [
	{
		displayName: 'Reference',
		name: 'reference',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. WO-2026-0042',
		description: 'Your name for the work order; must be unique within your company',
	},
	// Version 1 preselected 1,000 codes; its saved workflows that never set the field keep them.
	// From 1.1 the user says how many: codes cannot be deleted once generated.
	{ ...quantityProperty, displayOptions: { show: FROM_VERSION_1_1 } },
	{ ...quantityProperty, default: 1000, displayOptions: { show: VERSION_1 } },
	{
		...productLocator,
		required: false,
		description: 'The product the codes are assigned to. Leave empty to assign them later.',
	},
	{
		displayName: 'Activate on Complete',
		name: 'activateOnComplete',
		type: 'boolean',
		default: false,
		description: 'Whether the codes are active as soon as they are generated',
	},
	{
		displayName: 'Use Serial Numbers',
		name: 'useSerialNumber',
		type: 'boolean',
		default: true,
		description: 'Whether each code also gets a serial number',
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description:
			'Whether to wait until the codes are generated and return the completed work order (with its code file link)',
	},
	...waitParameters('code generation', { waitForCompletion: [true] }),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Remarks',
				name: 'remarks',
				type: 'string',
				typeOptions: { rows: 2 },
				default: '',
				description: 'A description of the work order; Get Many searches it too',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['create'] } }, properties);

/** True when the optional product locator holds a value. */
/** The product the codes are assigned to; optional. */
function product(context: IExecuteFunctions, itemIndex: number): LocatorValue | undefined {
	const locator = readLocator(context, itemIndex, 'product');
	return locator.value === '' ? undefined : checkLocator(context, itemIndex, locator, 'product', 'Product');
}

function quantity(context: IExecuteFunctions, itemIndex: number): number {
	const raw = context.getNodeParameter('quantity', itemIndex, null) as unknown;
	if (raw === null || raw === undefined || raw === '') {
		throw invalid(context, itemIndex, 'Quantity', 'is empty: say how many codes the work order generates');
	}
	return positiveInteger(context, itemIndex, raw, 'Quantity');
}

interface WorkOrderInput {
	body: IDataObject;
	wait?: ReturnType<typeof waitSettings>;
	product?: LocatorValue;
}

/** The work order to create, read and checked once per item. */
export function validate(this: IExecuteFunctions, itemIndex: number): WorkOrderInput {
	const additional = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {
		reference: requiredString(this, itemIndex, 'reference', 'Reference'),
		quantity: quantity(this, itemIndex),
		activate_on_complete: this.getNodeParameter('activateOnComplete', itemIndex, false) as boolean,
		// Documented as required with "default true": always sent, so either reading works.
		use_serial_number: this.getNodeParameter('useSerialNumber', itemIndex, true) as boolean,
	};
	if (typeof additional.remarks === 'string' && additional.remarks.trim()) body.remarks = additional.remarks.trim();
	const wait = this.getNodeParameter('waitForCompletion', itemIndex, false) ? waitSettings(this, itemIndex) : undefined;
	return { body, wait, product: product(this, itemIndex) };
}

/** References are unique per company: two items with the same one would fail half-way through. */
export function validateAll(this: IExecuteFunctions, itemIndexes: number[], inputs: Map<number, unknown>): void {
	const seen = new Map<string, number>();
	for (const i of itemIndexes) {
		const reference = String((inputs.get(i) as WorkOrderInput).body.reference);
		const first = seen.get(reference);
		if (first !== undefined) {
			throw new NodeOperationError(
				this.getNode(),
				`Item ${i}: "Reference" "${reference}" is also used by item ${first}; each work order needs its own reference`,
				{ itemIndex: i },
			);
		}
		seen.set(reference, i);
	}
}

export async function execute(this: IExecuteFunctions, itemIndex: number, input: WorkOrderInput): Promise<IDataObject> {
	const body = { ...input.body };
	const reference = String(body.reference);
	if (input.product) body.product = await resolveProductId.call(this, itemIndex, input.product);

	const created = await apiRequest.call(this, {
		method: 'POST',
		path: '/api/v2/workorders/create-sid/',
		body,
		itemIndex,
		permissions: PERMISSIONS,
		// If the connection drops after sending, the reference (unique per company) tells whether it was created.
		readBack: async () => await findWorkOrderByReference.call(this, reference, itemIndex),
	});
	if (!input.wait) return created;
	return await waitUntilGenerated.call(this, Number(created.id), itemIndex, input.wait);
}
