// What the editor, the nodes panel, AI agents and n8n's AI workflow builder read from the node
// descriptions, checked through n8n-workflow's own functions (subtitle expressions, parameter
// defaults per version and per tool variant, the tool description n8n gives an agent).
const { NodeHelpers, Workflow, deepCopy } = require('n8n-workflow');
const { loadNode, nodeTypes, pkg } = require('../../harness/n8n');

const ACTION_NODES = ['scantrustCode', 'scantrustCodeUpload', 'scantrustProduct', 'scantrustScan', 'scantrustScmData', 'scantrustWorkOrder'];
const ALL_NODES = [...ACTION_NODES, 'scantrustTrigger'];
const typeOf = (name) => `${pkg.name}.${name}`;
const describe_ = (name) => loadNode(typeOf(name)).description;
const latest = (description) => (Array.isArray(description.version) ? Math.max(...description.version) : description.version);
const selector = (description) => description.properties.find((p) => p.name === 'operation' || p.name === 'event');

/** The node's parameters as n8n resolves them (defaults filled in) for a version, as a tool or not. */
function resolved(name, parameters, { typeVersion, tool = false } = {}) {
	const description = deepCopy(describe_(name));
	// What n8n's convertNodeToAiTool does to the name of a node's tool variant.
	if (tool) description.name += 'Tool';
	const node = { id: 'n', name: 'Node', type: typeOf(description.name), typeVersion: typeVersion ?? latest(description), position: [0, 0], parameters };
	return { node: { ...node, parameters: NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, description) }, description };
}

describe('canvas subtitles', () => {
	test.each(ALL_NODES)('%s: the subtitle shows the chosen operation’s name, never its stored value', (name) => {
		const description = describe_(name);
		const property = selector(description);
		for (const option of property.options) {
			const node = { id: 'n', name: 'Node', type: typeOf(name), typeVersion: 1, position: [0, 0], parameters: { [property.name]: option.value } };
			const workflow = new Workflow({ nodes: [node], connections: {}, nodeTypes, active: false });
			const subtitle = workflow.expression.getSimpleParameterValue(workflow.getNode('Node'), description.subtitle, 'internal', {});
			expect(subtitle).toBe(option.name);
		}
	});
});

describe('one picture of what is where', () => {
	test.each([
		['scantrustCode', 'use Scantrust SCM Data'],
		['scantrustScmData', 'use Scantrust Code'],
		['scantrustWorkOrder', 'use Scantrust Code Upload'],
		['scantrustCodeUpload', 'use Scantrust Work Order'],
		['scantrustScan', 'use the Scantrust Events Trigger'],
		['scantrustTrigger', 'use Scantrust Scan'],
	])('%s says when to %s instead', (name, advice) => {
		expect(describe_(name).description).toContain(advice);
	});

	test('the trigger is found by what it does: its own name in the panel, the type name saved workflows store', () => {
		const description = describe_('scantrustTrigger');
		expect(description.name).toBe('scantrustTrigger');
		// n8n's nodes panel drops " Trigger": "Scantrust Trigger" showed as just "Scantrust".
		expect(description.displayName.replace(/ Trigger$/, '')).not.toBe('Scantrust');
		const codex = require(`../../../dist/nodes/ScantrustTrigger/ScantrustTrigger.node.json`);
		expect(codex.alias).toEqual(expect.arrayContaining(['Scantrust Trigger', 'New scan', 'Counterfeit alert']));
	});

	test('every action node has a newer version than 1, and keeps 1 for saved workflows', () => {
		for (const name of ACTION_NODES) {
			const { version } = describe_(name);
			expect([name, version[0], Math.max(...version) > 1]).toEqual([name, 1, true]);
		}
	});
});

describe('as an AI agent’s tool', () => {
	test.each(ACTION_NODES)('%s: every operation tells the agent what it does, changes and costs', (name) => {
		for (const option of selector(describe_(name)).options) {
			const { node, description } = resolved(name, { operation: option.value }, { tool: true });
			const text = NodeHelpers.getToolDescriptionForNode(node, { description });
			expect([option.value, text]).toEqual([option.value, expect.stringMatching(/Cost: .*request/)]);
			expect(text).toMatch(/Changes nothing|Changes|Creates|Writes|overwrites|DESTRUCTIVE/);
			expect(text).not.toBe(describe_(name).description);
		}
	});

	test('Product Delete and Code Blacklist say they are destructive', () => {
		for (const [name, operation] of [
			['scantrustProduct', 'delete'],
			['scantrustCode', 'blacklist'],
		]) {
			const { node, description } = resolved(name, { operation }, { tool: true });
			expect(NodeHelpers.getToolDescriptionForNode(node, { description })).toMatch(/^DESTRUCTIVE: /);
		}
	});

	test('the tool description is only a parameter of the tool variant', () => {
		const { node } = resolved('scantrustCode', { operation: 'blacklist', reason: 4 });
		expect(node.parameters).not.toHaveProperty('toolDescription');
	});

	test.each([
		['scantrustScan', 'getMany'],
		['scantrustProduct', 'getMany'],
		['scantrustWorkOrder', 'getMany'],
		['scantrustWorkOrder', 'getTemplates'],
		['scantrustCodeUpload', 'getManyRecords'],
	])('%s %s: Return All off and a small limit the agent may raise; version 1 and the normal node keep 50', (name, operation) => {
		const tool = resolved(name, { operation }, { tool: true }).node.parameters;
		expect(tool.returnAll).toBe(false);
		expect(tool.limit).toMatch(/^=\{\{ \$fromAI\("limit", ".*", "number", 10\) \}\}$/);
		expect(resolved(name, { operation }, { tool: true, typeVersion: 1 }).node.parameters.limit).toBe(50);
		expect(resolved(name, { operation }).node.parameters.limit).toBe(50);
		expect(resolved(name, { operation }, { typeVersion: 1 }).node.parameters.limit).toBe(50);
	});
});

describe('hints for n8n’s AI workflow builder', () => {
	const knownTypes = new Set(ALL_NODES.map(typeOf));

	/** Every builder hint text of a node: its search hint, related nodes, and propertyHints. */
	function hintTexts(description) {
		const texts = [description.builderHint.searchHint, ...description.builderHint.relatedNodes.map((r) => r.relationHint)];
		const walk = (properties) => {
			for (const property of properties ?? []) {
				if (property.builderHint) texts.push(property.builderHint.propertyHint);
				walk(property.options?.filter((o) => typeof o === 'object' && ('type' in o || 'values' in o)));
				walk(property.values);
			}
		};
		walk(description.properties);
		return texts;
	}

	test.each(ALL_NODES)('%s: a search hint, related nodes that exist, and no raw expressions in any hint', (name) => {
		const description = describe_(name);
		expect(description.builderHint.searchHint.length).toBeGreaterThan(80);
		expect(description.builderHint.relatedNodes.length).toBeGreaterThan(0);
		for (const related of description.builderHint.relatedNodes) {
			if (related.nodeType.startsWith(`${pkg.name}.`)) expect(knownTypes.has(related.nodeType)).toBe(true);
			else expect(related.nodeType).toMatch(/^n8n-nodes-base\.[a-zA-Z]+$/);
			expect(related.nodeType).not.toBe(typeOf(name));
		}
		for (const text of hintTexts(description)) {
			expect(typeof text).toBe('string');
			expect(text).not.toMatch(/=?\{\{/);
		}
	});
});
