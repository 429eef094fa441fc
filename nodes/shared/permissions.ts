/**
 * The UAT permissions each operation needs: the one table. Requests name these in 403 errors
 * (`ApiRequest.permissions`), and the README's and the node pages' permission tables are checked
 * against it (test/nodes/shared/permissions.test.js), so the three can no longer disagree.
 * Sources: scantrust-api.md §1.3 (the permissions each documented use case lists).
 */

const PRODUCT_VIEW = ['product_view'];
/** The SCM upload endpoints (SCMS, SCMA): the same four for the sync and the async upload. */
const SCM_UPLOAD = ['codes_view', 'scm_bulk_edit', 'scm_code_edit', 'product_view'];
const CODES_VIEW = ['codes_view'];
const WORKORDER_VIEW = ['workorder_view'];
/** UPC lists these for code uploads; Scantrust names no smaller set per endpoint. */
const INGESTION_CREATE = [
	'ingestion_view',
	'ingestion_code_create',
	'ingestion_cancel',
	'workorder_view',
	'workorder_download',
	'workorder_sid_download',
	'product_view',
];
const INGESTION_VIEW = ['ingestion_view'];
const SCANS_DOWNLOAD = ['scans_download'];

export interface OperationPermissions {
	/** the node's name without "Scantrust" */
	node: string;
	/** the operation's (or trigger event's) name as the editor shows it */
	operation: string;
	/** the operation's stored value */
	value: string;
	permissions: readonly string[];
}

export const OPERATION_PERMISSIONS: readonly OperationPermissions[] = [
	// Product upload/download (PU, PD) list all four for creating products.
	{ node: 'Product', operation: 'Create', value: 'create', permissions: ['product_create', 'product_edit', 'product_delete', 'product_view'] },
	{ node: 'Product', operation: 'Get', value: 'get', permissions: PRODUCT_VIEW },
	{ node: 'Product', operation: 'Get Many', value: 'getMany', permissions: PRODUCT_VIEW },
	{ node: 'Product', operation: 'Update', value: 'update', permissions: ['product_edit', 'product_view'] },
	{ node: 'Product', operation: 'Delete', value: 'delete', permissions: ['product_delete', 'product_view'] },
	{ node: 'Code', operation: 'Activate', value: 'activate', permissions: SCM_UPLOAD },
	{ node: 'Code', operation: 'Deactivate', value: 'deactivate', permissions: SCM_UPLOAD },
	{ node: 'Code', operation: 'Blacklist', value: 'blacklist', permissions: SCM_UPLOAD },
	{ node: 'Code', operation: 'Assign to Product', value: 'assignToProduct', permissions: SCM_UPLOAD },
	{ node: 'Code', operation: 'Update Fields', value: 'updateFields', permissions: SCM_UPLOAD },
	{ node: 'Code', operation: 'Export', value: 'export', permissions: CODES_VIEW },
	{ node: 'Code', operation: 'Get', value: 'get', permissions: CODES_VIEW },
	{ node: 'SCM Data', operation: 'Update', value: 'update', permissions: SCM_UPLOAD },
	{ node: 'SCM Data', operation: 'Update Async', value: 'updateAsync', permissions: SCM_UPLOAD },
	{ node: 'SCM Data', operation: 'Get Task', value: 'getTask', permissions: CODES_VIEW },
	// WOSID lists all five for creating work orders.
	{ node: 'Work Order', operation: 'Create', value: 'create', permissions: ['workorder_view', 'workorder_create', 'workorder_edit', 'workorder_cancel', 'workorder_archive'] },
	{ node: 'Work Order', operation: 'Get', value: 'get', permissions: WORKORDER_VIEW },
	{ node: 'Work Order', operation: 'Get Many', value: 'getMany', permissions: WORKORDER_VIEW },
	{ node: 'Work Order', operation: 'Get Templates', value: 'getTemplates', permissions: WORKORDER_VIEW },
	{ node: 'Work Order', operation: 'Wait for Completion', value: 'waitForCompletion', permissions: WORKORDER_VIEW },
	// WOD lists the download permissions; reading the work order itself needs `workorder_view`.
	{ node: 'Work Order', operation: 'Download Codes', value: 'downloadCodes', permissions: ['workorder_view', 'workorder_download', 'workorder_sid_download'] },
	{ node: 'Code Upload', operation: 'Create From Template', value: 'createFromTemplate', permissions: INGESTION_CREATE },
	{ node: 'Code Upload', operation: 'Add to Work Order', value: 'addToWorkOrder', permissions: INGESTION_CREATE },
	{ node: 'Code Upload', operation: 'Add SIDs', value: 'addSids', permissions: INGESTION_CREATE },
	{ node: 'Code Upload', operation: 'Get Record', value: 'getRecord', permissions: INGESTION_VIEW },
	{ node: 'Code Upload', operation: 'Get Many Records', value: 'getManyRecords', permissions: INGESTION_VIEW },
	{ node: 'Code Upload', operation: 'Wait for Completion', value: 'waitForCompletion', permissions: INGESTION_VIEW },
	{ node: 'Scan', operation: 'Get Many', value: 'getMany', permissions: SCANS_DOWNLOAD },
	{ node: 'Trigger', operation: 'New Scan', value: 'newScan', permissions: SCANS_DOWNLOAD },
	{ node: 'Trigger', operation: 'Work Order Completed', value: 'workOrderCompleted', permissions: WORKORDER_VIEW },
	{ node: 'Trigger', operation: 'Code Upload Finished', value: 'codeUploadFinished', permissions: INGESTION_VIEW },
];

/** The permissions of one operation, as a fresh list (callers may not change the table). */
export function permissionsFor(node: string, value: string): string[] {
	const row = OPERATION_PERMISSIONS.find((entry) => entry.node === node && entry.value === value);
	if (!row) throw new Error(`No permissions listed for ${node} → ${value}`);
	return [...row.permissions];
}
