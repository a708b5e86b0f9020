// Public API of the Coupa client: the client, its options, errors and types, query building, paging and
// record helpers, auth. Internals (the retry policy, error mapping, option normalising) are imported by
// path where needed. Free of AWS SDK imports: Lambdas, the CLI and tests share it.
export {
  CoupaClient,
  createCoupaClient,
  DEFAULT_MAX_CONTENT_BYTES,
  type CoupaActionOptions,
  type CoupaContent,
  type CoupaContentOptions,
  type CoupaReadOptions,
  type CoupaRequestOptions,
  type CoupaWriteOptions,
} from './client';
export {
  CoupaConfigurationError,
  CoupaConflictError,
  CoupaError,
  CoupaForbiddenError,
  CoupaNotFoundError,
  CoupaRateLimitedError,
  CoupaResponseTooLargeError,
  CoupaTransientError,
  CoupaUnknownOutcomeError,
  CoupaUnauthorizedError,
  CoupaValidationError,
  isCoupaConfigurationError,
  isCoupaConflictError,
  isCoupaError,
  isCoupaForbiddenError,
  isCoupaNotFoundError,
  isCoupaRateLimitedError,
  isCoupaResponseTooLargeError,
  isCoupaTransientError,
  isCoupaUnknownOutcomeError,
  isCoupaUnauthorizedError,
  isCoupaValidationError,
  type CoupaErrorDetails,
  type CoupaErrorName,
} from './errors';
export { resolveHost, isLoopback, type CoupaHost } from './host';
export {
  DEFAULT_TIMEOUT_MS,
  type CoupaClientOptions,
  type CoupaCredentials,
  type CoupaHttpOptions,
  type CoupaRetryOptions,
} from './options';
export {
  buildQuery,
  OPERATORS,
  serializeFields,
  type AssociationConditions,
  type Condition,
  type CoupaQuery,
  type FieldSpec,
  type Operator,
  type OperatorConditions,
  type QueryParameters,
  type QueryScalar,
  type ReturnObject,
} from './query';
export { MAX_PAGE_SIZE, paginate } from './paginate';
export { withDeadline, type CoupaCalls } from './with-deadline';
export { RateBudgetRefusal, type RateBudget, type RateBudgetWait } from './rate-budget';
export {
  customFields,
  getCustomField,
  isLegacyCustomFieldKey,
  parseCoupaInstant,
  toUtcIso,
  type LegacyCustomFieldKeys,
} from './records';
export { reportedPath, redactSecrets } from './redact';
export type { CoupaRecord, FailureKind, FetchLike, HttpMethod, RequestEvent, RetryEvent } from './types';
export * from './auth';
