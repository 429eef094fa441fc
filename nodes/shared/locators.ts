import type { IExecuteFunctions, INodeParameterResourceLocator, INodeProperties } from 'n8n-workflow';

/**
 * Resource locators ("From List" / "By ID" / …): the one factory that defines them and the one
 * reader that unwraps what n8n stores, so every locator behaves the same way.
 */

export interface LocatorMode {
	/** stored in workflows: never rename */
	name: string;
	displayName: string;
	placeholder: string;
	/** set for a mode that takes a numeric ID: the editor's message for anything else */
	numericMessage?: string;
}

export interface LocatorSpec {
	displayName: string;
	/** the parameter's name, stored in workflows */
	name: string;
	/** the `listSearch` method behind "From List" */
	searchListMethod: string;
	/** the modes after "From List" */
	modes: LocatorMode[];
	description?: string;
	required?: boolean;
}

/** A resource locator parameter: "From List" (searchable) first, then the typed modes. */
export function resourceLocator(spec: LocatorSpec): INodeProperties {
	return {
		displayName: spec.displayName,
		name: spec.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		...(spec.required ? { required: true } : {}),
		...(spec.description ? { description: spec.description } : {}),
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: spec.searchListMethod, searchable: true },
			},
			...spec.modes.map((mode) => ({
				displayName: mode.displayName,
				name: mode.name,
				type: 'string' as const,
				placeholder: mode.placeholder,
				...(mode.numericMessage
					? {
							validation: [
								{ type: 'regex' as const, properties: { regex: '^\\s*\\d+\\s*$', errorMessage: mode.numericMessage } },
							],
						}
					: {}),
			})),
		],
	};
}

/** A locator's mode and trimmed value, from what n8n stores: `{ __rl, mode, value }`, or plain text (older versions, expressions). */
export interface LocatorValue {
	mode: string;
	/** '' when nothing was chosen */
	value: string;
}

export function unwrapLocator(stored: unknown): LocatorValue {
	const locator = stored as INodeParameterResourceLocator | string | number | null | undefined;
	const isObject = typeof locator === 'object' && locator !== null;
	const mode = isObject ? String(locator.mode ?? 'id') : 'id';
	const raw: unknown = isObject ? locator.value : locator;
	return { mode, value: raw === undefined || raw === null ? '' : String(raw).trim() };
}

/** Reads item `itemIndex`'s locator parameter `name`; an unset one reads as an empty "From List". */
export function readLocator(context: IExecuteFunctions, itemIndex: number, name: string): LocatorValue {
	return unwrapLocator(context.getNodeParameter(name, itemIndex, { mode: 'list', value: '' }));
}
