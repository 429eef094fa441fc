import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { invalid, positiveInteger } from '../../../shared/validate';
import { waitSettings } from '../../../shared/waiting';
import type { WaitSettings } from '../../../shared/waiting';

/** The upload settings of one item, checked and in the API's field names (sends nothing). */
/** An upload's settings, read once: the request's fields, the wait (when waiting) and the ID format. */
export interface UploadSettings {
	body: IDataObject;
	wait?: WaitSettings;
	format: 'default' | 'gs1';
}

export function uploadSettings(context: IExecuteFunctions, itemIndex: number): UploadSettings {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};
	if (typeof options.description === 'string' && options.description.trim()) {
		body.description = options.description.trim();
	}
	const defaults = defaultScmData(context, itemIndex, options);
	if (Object.keys(defaults).length) body.default_scm_data = defaults;
	if (options.printing_partner !== undefined && options.printing_partner !== '') {
		body.printing_partner = positiveInteger(context, itemIndex, options.printing_partner, 'Printing Partner ID');
	}
	if (options.allow_posted_duplicates !== undefined) body.allow_posted_duplicates = !!options.allow_posted_duplicates;
	if (options.id_format !== undefined) {
		if (options.id_format !== 'default' && options.id_format !== 'gs1') {
			throw invalid(context, itemIndex, 'ID Format', `must be "default" or "gs1" (got "${String(options.id_format)}")`);
		}
		body.id_format = options.id_format;
	}
	if (typeof options.url_prefix === 'string' && options.url_prefix.trim()) {
		const prefix = options.url_prefix.trim();
		if (!/^https?:\/\/\S+$/i.test(prefix)) {
			throw invalid(context, itemIndex, 'URL Prefix', `must be an http(s) URL without spaces (got "${prefix}")`);
		}
		body.url_prefix = prefix;
	}
	const wait = context.getNodeParameter('waitForCompletion', itemIndex, false) ? waitSettings(context, itemIndex) : undefined;
	return { body, wait, format: options.id_format === 'gs1' ? 'gs1' : 'default' };
}

/** Key/value pairs as an object; a key given twice is a mistake worth naming. */
function defaultScmData(context: IExecuteFunctions, itemIndex: number, options: IDataObject): IDataObject {
	const pairs = ((options.defaultScmData as IDataObject | undefined)?.fields ?? []) as IDataObject[];
	const data: IDataObject = {};
	for (const pair of pairs) {
		const key = String(pair.key ?? '').trim();
		if (!key) throw invalid(context, itemIndex, 'Default Fields to Write', 'has a field without a key');
		if (key in data) throw invalid(context, itemIndex, 'Default Fields to Write', `has the key "${key}" twice`);
		data[key] = pair.value === undefined || pair.value === null ? '' : pair.value;
	}
	return data;
}
