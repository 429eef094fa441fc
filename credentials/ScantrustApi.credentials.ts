import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import { checkBaseUrl, CREDENTIAL_TEST_BASE_URL, PRODUCTION_BASE_URL, STAGING_BASE_URL } from '../nodes/shared/baseUrl';
import type { ScantrustCredentialData } from '../nodes/shared/baseUrl';

export class ScantrustApi implements ICredentialType {
	name = 'scantrustApi';

	displayName = 'Scantrust API';

	icon: Icon = { light: 'file:../icons/scantrust.svg', dark: 'file:../icons/scantrust.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-scantrust/n8n-nodes-scantrust/blob/main/docs/credentials.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production', description: PRODUCTION_BASE_URL },
				{ name: 'Staging', value: 'staging', description: STAGING_BASE_URL },
				{
					name: 'Custom Base URL',
					value: 'custom',
					description: 'A proxy in front of the API, or a local test server',
				},
			],
			default: 'production',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://scantrust-proxy.example.com',
			description:
				'Scheme and host, optionally with a path prefix. Must be https, except for localhost.',
			displayOptions: { show: { environment: ['custom'] } },
		},
		{
			displayName: 'UAT Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'A User Authorization Token, created in the Scantrust portal under your user menu → User Authorization Tokens',
		},
	];

	/**
	 * Adds `Authorization: UAT <token>`, but only to requests for the configured API origin over a
	 * safe scheme, and never to the target of a cross-origin redirect, so neither a node nor the
	 * HTTP Request node using this credential can leak it.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const base = checkBaseUrl(credentials as ScantrustCredentialData);
		if ('problem' in base) throw new UserError(base.problem);
		const target = new URL(requestOptions.url, requestOptions.baseURL ?? `${base.url}/`);
		if (target.origin !== base.origin) {
			throw new UserError(
				`Refusing to send the Scantrust UAT token to ${target.origin}: the credential is for ${base.origin}`,
			);
		}
		return {
			...requestOptions,
			// n8n follows redirects and, by default, sends the header along to any origin they name.
			sendCredentialsOnCrossOriginRedirect: false,
			headers: { ...requestOptions.headers, Authorization: `UAT ${credentials.token as string}` },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: CREDENTIAL_TEST_BASE_URL,
			url: '/api/v2/me/',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Scantrust did not accept the UAT token (401): it is wrong or expired. Create a new one in the Scantrust portal (user menu → User Authorization Tokens).',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The UAT token is valid but may not read the current user (403). Ask your Scantrust company admin for a token with the permissions the nodes need (see the credential docs).',
				},
			},
		],
	};
}
