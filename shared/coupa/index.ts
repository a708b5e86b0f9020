// Public API of the Coupa client. Free of AWS SDK imports: Lambdas, the CLI and tests share it.
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
export { parseErrorBody, type ParsedErrorBody } from './error-body';
export { toCoupaError, readHttpFailure, type ErrorContext, type HttpFailure } from './to-coupa-error';
export { resolveHost, isLoopback, type CoupaHost } from './host';
export {
  DEFAULT_TIMEOUT_MS,
  defaultRetryOptions,
  normalizeHttpOptions,
  normalizeRetryOptions,
  type CoupaClientOptions,
  type CoupaCredentials,
  type CoupaHttpOptions,
  type CoupaRetryOptions,
  type NormalizedHttpOptions,
  type NormalizedRetryOptions,
} from './options';
export { classifyFailure, decideRetry, isIdempotent, MIN_ATTEMPT_MS, type Failure, type RetryDecision, type RetryPolicy } from './retry';
export { readRetryAfter, type RetryAfter } from './retry-timing';
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
