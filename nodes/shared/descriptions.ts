import type { IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { invalid } from './validate';
import { resourceLocator } from './locators';

/** Parameters shared by several nodes, written once. */

/** Display conditions for n8n's light versioning: version 1 as shipped, and 1.1 onwards. */
export const VERSION_1 = { '@version': [1] };
export const FROM_VERSION_1_1 = { '@version': [{ _cnd: { gte: 1.1 } }] };

/** How many results an AI agent gets from a list operation unless it asks for more. */
export const TOOL_LIMIT = 10;

/**
 * The canvas subtitle: the human name of the chosen option ("Get Many", not `getMany`), built
 * from the option list itself so the two never drift apart.
 */
export function optionSubtitle(property: INodeProperties): string {
	const names: Record<string, string> = {};
	for (const option of (property.options ?? []) as INodePropertyOptions[]) names[String(option.value)] = option.name;
	return `={{ ${JSON.stringify(names)}[$parameter["${property.name}"]] }}`;
}

/**
 * The description an AI agent reads when the node is one of its tools, one per operation
 * (n8n otherwise gives every operation the node's general description). Shown only on the tool
 * variant of the node (`@tool`); the user can rewrite it there.
 */
export function toolDescriptionProperties(descriptions: Record<string, string>): INodeProperties[] {
	return Object.entries(descriptions).map(([operation, text]) => ({
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 3 },
		default: text,
		required: true,
		description: 'What the AI agent is told this tool does, changes and costs; it decides by this text when to call it',
		displayOptions: { show: { '@tool': [true], operation: [operation] } },
	}));
}

/**
 * Return All and Limit. As an AI agent's tool (from version 1.1) the limit is small and the
 * agent may ask for more ($fromAI with a default): a large list fills the model's context and
 * costs requests. Version 1 keeps the 50 it had, also as a tool, so saved workflows do not change.
 */
export function returnAllOrLimit(show: { [key: string]: string[] }, noun: string): INodeProperties[] {
	const limit: INodeProperties = {
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		hint: `How many ${noun} to return at most`,
	};
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show },
		},
		{ ...limit, displayOptions: { show: { ...show, returnAll: [false], ...VERSION_1 } } },
		{ ...limit, displayOptions: { show: { ...show, returnAll: [false], '@tool': [false], ...FROM_VERSION_1_1 } } },
		{
			...limit,
			default: `={{ $fromAI("limit", "How many ${noun} to return at most; ${TOOL_LIMIT} unless the user asks for more", "number", ${TOOL_LIMIT}) }}`,
			hint: `The agent gets ${TOOL_LIMIT} ${noun} unless it asks for more`,
			displayOptions: { show: { ...show, returnAll: [false], '@tool': [true], ...FROM_VERSION_1_1 } },
		},
	];
}

/** The limit set with {@link returnAllOrLimit}: undefined for Return All, else a positive whole number. */
export function readLimit(context: IExecuteFunctions, itemIndex: number): number | undefined {
	if (context.getNodeParameter('returnAll', itemIndex, false) as boolean) return undefined;
	const limit = Number(context.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isInteger(limit) || limit < 1) {
		throw invalid(context, itemIndex, 'Limit', `must be a whole number of at least 1 (got "${String(limit)}")`);
	}
	return limit;
}

/** "Archived" filter option for lists that hide archived entries unless asked (products, work orders). */
export function archivedFilter(noun: string): INodeProperties {
	return {
		displayName: 'Archived',
		name: 'archived',
		type: 'options',
		default: 'active',
		options: [
			{ name: 'Active Only', value: 'active' },
			{ name: 'Archived Only', value: 'archived' },
		],
		description: `Scantrust lists active ${noun} unless asked for archived ones`,
	};
}

export const brandLocator: INodeProperties = resourceLocator({
	displayName: 'Brand',
	name: 'brand',
	searchListMethod: 'searchBrands',
	description: 'The brand the product belongs to',
	modes: [{ displayName: 'By ID or Reference', name: 'id', placeholder: 'e.g. 1115 or my-brand' }],
});

export const productLocator: INodeProperties = resourceLocator({
	displayName: 'Product',
	name: 'product',
	searchListMethod: 'searchProducts',
	required: true,
	modes: [
		{ displayName: 'By ID', name: 'id', placeholder: 'e.g. 6326', numericMessage: 'A product ID is a number' },
		{ displayName: 'By SKU', name: 'sku', placeholder: 'e.g. SKU-1234' },
	],
});
