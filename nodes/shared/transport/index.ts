/** The one way nodes, searchable lists and the trigger talk to Scantrust. */
export { apiCall, apiRequest, getBaseUrl } from './request';
export { isOutcomeUnknown } from './retry';
export type { ApiRequest, ApiResponse } from './request';
export { getAll, paginate } from './paginate';
export type { PageRequest } from './paginate';
export { waitFor } from './wait';
export { downloadFile, downloadToBinary, uploadToPresignedUrl } from './files';
export type { PresignedUpload } from './files';
export type { ScantrustContext } from './context';
export { CREDENTIAL_NAME } from './context';
