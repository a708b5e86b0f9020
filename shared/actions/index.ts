// Public API of the action core: create, update, read, query or act on Coupa objects, driven by the
// catalog. Free of AWS SDK imports: the action Lambdas, the command consumer, the CLI and the tests
// share it. See README.md in this folder.
export { runAction, executeAction } from './run';
export { parseActionInput } from './parse';
export { writesCoupa } from './parse';
export { BUILTIN_ACTIONS } from './parse';
export { ATTACHMENT_FIELDS } from './run';
export { contentTypeOf } from './files';
export { describeLocation, type FileLocation, type FileSource, type SourceFile } from './files';
export {
  DEFAULT_QUERY_LIMIT,
  MAX_DEPTH,
  MAX_FILE_BYTES,
  MAX_IDEMPOTENCY_KEY_CHARS,
  MAX_INPUT_BYTES,
  MAX_QUERY_LIMIT,
  MAX_QUERY_RESULT_BYTES,
  MAX_STRING_CHARS,
} from './limits';
export type {
  ActionDeps,
  ActionName,
  ActionResult,
  AttachedFile,
  FileRef,
  ParentRef,
  ParsedAttach,
  ParsedAction,
  ParsedCreate,
  ParsedGet,
  ParsedMarkExported,
  ParsedQuery,
  ParsedRequest,
  ParsedSpecialAction,
  ParsedUpdate,
  ActionReturnType,
  TruncatedBy,
} from './types';
