// The Coupa client's error family. Every error the client throws is one of these, so callers (and Step
// Functions Retry/Catch) can match on `name` alone. Messages and fields never carry a token, a client
// secret, a refresh token or an authorization code.

/** Every `name` a Coupa error can have: the strings Step Functions matches in Retry/Catch. */
export type CoupaErrorName =
  | 'Coupa.Validation'
  | 'Coupa.NotFound'
  | 'Coupa.Unauthorized'
  | 'Coupa.Forbidden'
  | 'Coupa.Conflict'
  | 'Coupa.RateLimited'
  | 'Coupa.Transient'
  | 'Coupa.UnknownOutcome'
  | 'Coupa.Configuration';

/** What an error knows about the request that failed. All optional: some errors precede any request. */
export interface CoupaErrorDetails {
  /** HTTP status Coupa answered with; absent for timeouts, network errors and input checks. */
  readonly status?: number;
  /** HTTP method, upper case. */
  readonly method?: string;
  /** URL path and query, with secret-bearing parameters redacted. */
  readonly path?: string;
  /** Coupa's own messages from the error body, in order. */
  readonly coupaMessages?: readonly string[];
  /** How long Coupa asked us to wait before trying again (429/503 `Retry-After`), in ms. */
  readonly retryAfterMs?: number;
  /** How many HTTP attempts were made (retries + 1). */
  readonly attempts?: number;
  readonly cause?: unknown;
}

/** Base of every error the Coupa client throws. Match subclasses by `name` (see the type guards). */
export abstract class CoupaError extends Error {
  abstract override readonly name: CoupaErrorName;
  // `declare`: optional fields stay absent (not `undefined`) unless known.
  declare readonly status?: number;
  declare readonly method?: string;
  declare readonly path?: string;
  readonly coupaMessages: string[];
  declare readonly retryAfterMs?: number;
  declare readonly attempts?: number;

  constructor(message: string, details: CoupaErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    // Only set what is known, so logged errors do not show a row of `undefined` fields.
    if (details.status !== undefined) this.status = details.status;
    if (details.method !== undefined) this.method = details.method;
    if (details.path !== undefined) this.path = details.path;
    this.coupaMessages = [...(details.coupaMessages ?? [])];
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.attempts !== undefined) this.attempts = details.attempts;
  }
}

/** Bad input (rejected before sending), or Coupa answered 400/422 or another non-specific 4xx. Never retry. */
export class CoupaValidationError extends CoupaError {
  override readonly name = 'Coupa.Validation' as const;
}

/**
 * Coupa's answer was longer than the caller's `maxBytes`: it was cut off while reading, before it was
 * held whole. Still named `Coupa.Validation` (asking for less is the fix); the class lets a caller
 * that can ask for less (a smaller page) tell it from other validation errors.
 */
export class CoupaResponseTooLargeError extends CoupaValidationError {
  constructor(
    message: string,
    /** The limit the answer went over. */
    readonly maxBytes: number,
    details: CoupaErrorDetails = {},
  ) {
    super(message, details);
  }
}

/** Coupa answered 404: no such record or path. */
export class CoupaNotFoundError extends CoupaError {
  override readonly name = 'Coupa.NotFound' as const;
}

/** Coupa refused the token again after one forced refresh, or the token endpoint refused the credentials. */
export class CoupaUnauthorizedError extends CoupaError {
  override readonly name = 'Coupa.Unauthorized' as const;
}

/** Coupa answered 403: the OAuth client lacks a scope or permission. */
export class CoupaForbiddenError extends CoupaError {
  override readonly name = 'Coupa.Forbidden' as const;
}

/** Coupa answered 409. */
export class CoupaConflictError extends CoupaError {
  override readonly name = 'Coupa.Conflict' as const;
}

/** Coupa answered 429 and retries ran out (or it asked for a longer wait than allowed); see `retryAfterMs`. */
export class CoupaRateLimitedError extends CoupaError {
  override readonly name = 'Coupa.RateLimited' as const;
}

/** 5xx, timeout, connection reset or other network failure: usually worth retrying later. */
export class CoupaTransientError extends CoupaError {
  override readonly name = 'Coupa.Transient' as const;
}

/**
 * A write that is not safe to repeat (a create, a special action, an update that adds nested records, a
 * custom POST) was sent, and no answer came back that says whether Coupa applied it (timeout, reset, 5xx).
 * It was not resent, and must not be resent blindly: check Coupa first (e.g. a get by natural key).
 */
export class CoupaUnknownOutcomeError extends CoupaError {
  override readonly name = 'Coupa.UnknownOutcome' as const;
}

/** The client was configured wrongly (host, options, credentials shape); thrown before any request. */
export class CoupaConfigurationError extends CoupaError {
  override readonly name = 'Coupa.Configuration' as const;
}

const names: ReadonlySet<string> = new Set<CoupaErrorName>([
  'Coupa.Validation',
  'Coupa.NotFound',
  'Coupa.Unauthorized',
  'Coupa.Forbidden',
  'Coupa.Conflict',
  'Coupa.RateLimited',
  'Coupa.Transient',
  'Coupa.UnknownOutcome',
  'Coupa.Configuration',
]);

/** True for any Coupa client error, by class or by `name` (errors that crossed a serialisation boundary). */
export function isCoupaError(error: unknown): error is CoupaError {
  return error instanceof CoupaError || (error instanceof Error && names.has(error.name));
}

const guard =
  <T extends CoupaError>(name: T['name']) =>
  (error: unknown): error is T =>
    isCoupaError(error) && error.name === name;

export const isCoupaValidationError = guard<CoupaValidationError>('Coupa.Validation');
/** By class only: after serialisation it is an ordinary `Coupa.Validation`. */
export const isCoupaResponseTooLargeError = (error: unknown): error is CoupaResponseTooLargeError =>
  error instanceof CoupaResponseTooLargeError;
export const isCoupaNotFoundError = guard<CoupaNotFoundError>('Coupa.NotFound');
export const isCoupaUnauthorizedError = guard<CoupaUnauthorizedError>('Coupa.Unauthorized');
export const isCoupaForbiddenError = guard<CoupaForbiddenError>('Coupa.Forbidden');
export const isCoupaConflictError = guard<CoupaConflictError>('Coupa.Conflict');
export const isCoupaRateLimitedError = guard<CoupaRateLimitedError>('Coupa.RateLimited');
export const isCoupaTransientError = guard<CoupaTransientError>('Coupa.Transient');
export const isCoupaUnknownOutcomeError = guard<CoupaUnknownOutcomeError>('Coupa.UnknownOutcome');
export const isCoupaConfigurationError = guard<CoupaConfigurationError>('Coupa.Configuration');
