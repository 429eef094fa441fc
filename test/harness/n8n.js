// Runs the package's nodes through n8n's real execution machinery (n8n-core's WorkflowExecute,
// ExecuteContext and PollContext, the real httpRequestWithAuthentication with our credential's
// authenticate applied) against the sandbox over real HTTP. Only the database-backed parts of n8n
// (stored credentials, execution persistence) are replaced by small in-memory stand-ins.
const path = require('node:path');
// n8n-core keeps its own copy of the DI container; use that one.
const { Container } = require(require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] }));
const {
	BinaryDataService,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PollContext,
	WorkflowExecute,
} = require('n8n-core');
const { ICredentialsHelper, NodeHelpers, Workflow } = require('n8n-workflow');

const ROOT = path.resolve(__dirname, '../..');

/**
 * Stands in for the parts of n8n's server-side execution data the harness does not provide
 * (database hooks, push messages): every property not given is a function that does nothing,
 * as jest-mock-extended's mock() would give, but usable outside jest (benchmarks).
 */
function stub(values = {}) {
	const noops = {};
	return new Proxy(values, {
		get(target, key) {
			if (key in target) return target[key];
			if (key === 'then' || typeof key === 'symbol') return undefined;
			noops[key] = noops[key] ?? (() => undefined);
			return noops[key];
		},
	});
}
const pkg = require(path.join(ROOT, 'package.json'));

/**
 * Loads the package's nodes and credential from the built dist/, as n8n does from the "n8n"
 * attribute of package.json. Nodes load on first use, so one node's tests do not depend on
 * another node being built.
 */
const loaded = { nodes: {}, credentials: {} };

function loadNode(type) {
	if (loaded.nodes[type]) return loaded.nodes[type];
	const name = type.slice(pkg.name.length + 1);
	const file = pkg.n8n.nodes.find((entry) => {
		const base = path.basename(entry, '.node.js');
		return base.charAt(0).toLowerCase() + base.slice(1) === name;
	});
	if (!file) throw new Error(`package.json lists no node named ${name}`);
	const NodeClass = Object.values(require(path.join(ROOT, file)))[0];
	loaded.nodes[type] = new NodeClass();
	return loaded.nodes[type];
}

for (const file of pkg.n8n.credentials) {
	const CredentialClass = Object.values(require(path.join(ROOT, file)))[0];
	const instance = new CredentialClass();
	loaded.credentials[instance.name] = instance;
}

const nodeTypes = {
	getByName(type) {
		return loadNode(type);
	},
	getByNameAndVersion(type, version) {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	},
	getKnownTypes() {
		return {};
	},
};

/**
 * The part of n8n's CredentialsHelper a node run needs: hands out the test credential and
 * applies the credential type's `authenticate` (function or generic, expressions resolved the
 * way the n8n server resolves them).
 */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(data) {
		super();
		this.data = data;
	}
	getParentTypes() {
		return [];
	}
	async authenticate(credentials, typeName, requestOptions, workflow, node) {
		const type = loaded.credentials[typeName];
		if (typeof type.authenticate === 'function') {
			return await type.authenticate(credentials, requestOptions);
		}
		if (type.authenticate && type.authenticate.type === 'generic') {
			for (const [outer, values] of Object.entries(type.authenticate.properties)) {
				requestOptions[outer] = requestOptions[outer] ?? {};
				for (const [key, value] of Object.entries(values)) {
					const resolve = (v) =>
						typeof v === 'string' && v.startsWith('=')
							? workflow.expression.getSimpleParameterValue(
									node,
									v,
									'internal',
									{ $credentials: credentials },
									undefined,
									'',
								)
							: v;
					requestOptions[outer][resolve(key)] = resolve(value);
				}
			}
		}
		return requestOptions;
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	getCredentialsProperties() {
		return [];
	}
	async getDecrypted(_additionalData, _nodeCredentials, type) {
		if (!this.data[type]) throw new Error(`No test credential of type ${type}`);
		return { ...this.data[type] };
	}
	async getCredentials() {
		throw new Error('not used in tests');
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	isCredentialUsableByNode() {
		return true;
	}
	getOAuth2Options() {
		return undefined;
	}
}

let binaryDataReady;
async function ensureBinaryData() {
	if (!binaryDataReady) {
		// Binary data goes where n8n 2.x keeps it by default: the filesystem store (here a temp folder).
		const service = Container.get(BinaryDataService);
		service.config.localStoragePath = require('node:fs').mkdtempSync(path.join(require('node:os').tmpdir(), 'st-binary-'));
		binaryDataReady = service.init();
	}
	await binaryDataReady;
}

/** Credential data for the sandbox: a custom environment on loopback. */
function sandboxCredential(sandbox, token = sandbox.tokens.full) {
	return { scantrustApi: { environment: 'custom', baseUrl: sandbox.baseUrl, token } };
}

function nodeDefinition(type, parameters, options = {}) {
	return {
		id: 'node-under-test',
		name: options.name ?? 'Scantrust',
		type: `${pkg.name}.${type}`,
		// Tests run version 1 unless they ask for another (`typeVersion`): saved workflows keep theirs.
		typeVersion: options.typeVersion ?? 1,
		position: [0, 0],
		parameters,
		credentials: { scantrustApi: { id: options.credentialId ?? 'cred-1', name: 'Scantrust test' } },
		...(options.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
		...(options.errorOutput ? { onError: 'continueErrorOutput' } : {}),
	};
}

/**
 * Executes one node of this package with the given input items, as n8n's WorkflowExecute would.
 * Returns the node's output items (all outputs), the run, and the error if the node failed.
 */
async function runNode({
	type,
	parameters,
	credentials,
	input = [{ json: {} }],
	continueOnFail = false,
	errorOutput = false,
	credentialId,
	workflowSettings = {},
	typeVersion,
}) {
	await ensureBinaryData();
	const node = nodeDefinition(type, parameters, { continueOnFail, errorOutput, credentialId, typeVersion });
	const workflow = new Workflow({
		id: 'test-workflow',
		nodes: [node],
		connections: {},
		nodeTypes,
		active: false,
		// e.g. { timezone: 'Asia/Kolkata' }, the workflow's time zone setting
		settings: workflowSettings,
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', stub());
	let finished;
	const done = new Promise((resolve) => (finished = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => finished(run));
	const additionalData = stub({
		hooks,
		currentNodeParameters: undefined,
		executionId: 'test-execution',
		encryptedRunnerIdentity: undefined,
	});
	additionalData.credentialsHelper = new TestCredentialsHelper(credentials);
	const runExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			metadata: {},
			contextData: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [
				{
					node: workflow.getNode(node.name),
					data: { main: [input.map((item) => ('json' in item ? item : { json: item }))] },
					source: null,
				},
			],
		},
	};
	const execute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	try {
		await execute.processRunExecutionData(workflow);
	} catch (error) {
		// n8n refuses to start a workflow whose parameters have issues (a required field left empty).
		return { run: undefined, items: [], errorItems: [], outputs: [], error };
	}
	const run = await done;
	const taskData = run.data.resultData.runData[node.name]?.[0];
	const outputs = taskData?.data?.main ?? [];
	return {
		run,
		items: outputs[0] ?? [],
		errorItems: outputs[1] ?? [],
		outputs,
		// the execution hints n8n shows above the output (addExecutionHints)
		hints: taskData?.hints ?? [],
		error: taskData?.error ?? run.data.resultData.error,
	};
}

/**
 * Runs a polling trigger's poll() once through n8n-core's PollContext, with the given static
 * data object (mutated in place, as n8n keeps it between polls) and mode ('trigger' | 'manual').
 * `pollBudgetMs` sets what getPollBudgetMs() answers (n8n-core's default: 5 minutes); `null`
 * plays a host older than n8n-workflow 2.38, which has no getPollBudgetMs at all.
 */
async function runPoll({ type, parameters, credentials, staticData, mode = 'trigger', credentialId, pollBudgetMs }) {
	await ensureBinaryData();
	const node = nodeDefinition(type, parameters, { credentialId });
	delete node.onError;
	const workflow = new Workflow({
		id: 'test-trigger-workflow',
		nodes: [node],
		connections: {},
		nodeTypes,
		active: mode === 'trigger',
		settings: {},
		staticData: staticData ?? {},
	});
	const additionalData = stub({ currentNodeParameters: undefined });
	additionalData.credentialsHelper = new TestCredentialsHelper(credentials);
	const context = new PollContext(
		workflow,
		workflow.getNode(node.name),
		additionalData,
		mode,
		mode === 'manual' ? 'manual' : 'trigger',
		undefined,
		undefined,
		undefined,
		undefined,
		undefined,
		typeof pollBudgetMs === 'number' ? () => pollBudgetMs : undefined,
	);
	if (pollBudgetMs === null) context.getPollBudgetMs = undefined;
	const nodeType = nodeTypes.getByNameAndVersion(node.type, 1);
	const result = await nodeType.poll.call(context);
	return { result, staticData: workflow.staticData, workflow };
}

/**
 * Calls a node's searchable-list method (what the editor calls when a user opens a "From List"
 * dropdown) through n8n-core's LoadOptionsContext.
 */
async function runListSearch({ type, method, filter, paginationToken, credentials, parameters = {} }) {
	const node = nodeDefinition(type, parameters);
	const workflow = new Workflow({ id: 'list-search', nodes: [node], connections: {}, nodeTypes, active: false, settings: {} });
	const additionalData = stub({ currentNodeParameters: parameters });
	additionalData.credentialsHelper = new TestCredentialsHelper(credentials);
	const context = new LoadOptionsContext(workflow, workflow.getNode(node.name), additionalData, 'parameters.search');
	const nodeType = nodeTypes.getByNameAndVersion(node.type, 1);
	return await nodeType.methods.listSearch[method].call(context, filter, paginationToken);
}

/**
 * Calls a node's resource-mapper method (what the editor calls to list the fields of a
 * "resourceMapper" parameter) through n8n-core's LoadOptionsContext.
 */
async function runResourceMapping({ type, method, credentials, parameters = {}, typeVersion = 2 }) {
	const node = nodeDefinition(type, parameters, { typeVersion });
	const workflow = new Workflow({ id: 'resource-mapping', nodes: [node], connections: {}, nodeTypes, active: false, settings: {} });
	const additionalData = stub({ currentNodeParameters: parameters });
	additionalData.credentialsHelper = new TestCredentialsHelper(credentials);
	const context = new LoadOptionsContext(workflow, workflow.getNode(node.name), additionalData, 'parameters.columns');
	const nodeType = nodeTypes.getByNameAndVersion(node.type, typeVersion);
	return await nodeType.methods.resourceMapping[method].call(context);
}

module.exports = { runListSearch, runResourceMapping, stub, loadNode, nodeTypes, runNode, runPoll, sandboxCredential, ROOT, pkg };
