// Maps a failed Coupa call to the error family. The one place that decides names and wording.
import { HTTPError } from 'ky';
import { parseErrorBody } from './error-body';
import {
  CoupaConfigurationError,
  CoupaConflictError,
  type CoupaError,
  CoupaForbiddenError,
  CoupaNotFoundError,
  CoupaRateLimitedError,
  CoupaTransientError,
  CoupaUnauthorizedError,
  CoupaUnknownOutcomeError,
  CoupaValidationError,
  isCoupaError,
  type CoupaErrorDetails,
} from './errors';
import { redactSecrets, reportedPath } from './redact';
import { classifyFailure, isIdempotent, type Failure } from './retry';
import { readRetryAfter } from './retry-timing';

/** An HTTP error answer: status, and the body text (or parsed JSON) when it was read. */
export interface HttpFailure {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Headers;
}

/** Where the failure happened; `path` must already be redacted (see `reportedPath`). */
export interface ErrorContext {
  readonly method: string;
  readonly path: string;
  /** HTTP attempts made, retries included. */
  readonly attempts?: number;
  /** The per-attempt timeout, for timeout messages. */
  readonly timeoutMs?: number;
  /** `token` for the OAuth token endpoint, whose errors follow RFC 6749. @default 'api' */
  readonly endpoint?: 'api' | 'token';
  /** The grant a token request used, to word `invalid_grant` helpfully. */
  readonly grantType?: 'client_credentials' | 'authorization_code' | 'refresh_token';
  /** Scopes a token request asked for (not secret), to word `invalid_scope`. */
  readonly scopes?: readonly string[];
  /** Was the request safe to resend (what it does, not only its verb)? @default by method */
  readonly idempotent?: boolean;
  /** The host's base URL, to report where a relative redirect pointed. */
  readonly baseUrl?: string;
  /** The last attempt's timeout was cut to this many ms, the time left before the caller's deadline. */
  readonly deadlineCutMs?: number;
  /** Retrying stopped early: another attempt (and its wait) would not have ended before the deadline. */
  readonly stoppedForDeadline?: boolean;
  /** Secret values to scrub from anything Coupa's body echoes back. */
  readonly secrets?: readonly (string | undefined)[];
}

/**
 * Maps a failed call to the matching {@link CoupaError}: an {@link HttpFailure} (status + body),
 * ky's `HTTPError` (status only; use {@link readHttpFailure} first to include Coupa's messages),
 * ky's `TimeoutError`, a network error, or anything else. Coupa errors pass through unchanged.
 *
 * @example
 * toCoupaError({ status: 400, body: '{"errors":{"supplier":["Name can\'t be blank"]}}' },
 *   { method: 'PUT', path: '/api/suppliers/12' }).message
 * // → "Coupa rejected PUT /api/suppliers/12: Name can't be blank (HTTP 400)"
 */
export function toCoupaError(failure: unknown, context: ErrorContext): CoupaError {
  if (isCoupaError(failure)) return failure;
  if (isHttpFailure(failure)) return fromStatus(failure, context);
  if (failure instanceof HTTPError) {
    return fromStatus({ status: failure.response.status, headers: failure.response.headers }, context);
  }
  return fromFailure(classifyFailure(failure), failure, context);
}

/**
 * Reads the body of ky's `HTTPError` (at most 64 KiB) so {@link toCoupaError} can quote Coupa's messages.
 * Never throws: an unreadable body is simply left out.
 */
export async function readHttpFailure(error: HTTPError): Promise<HttpFailure> {
  let body: string | undefined;
  try {
    body = (await error.response.text()).slice(0, 65_536);
  } catch {
    body = undefined;
  }
  return { status: error.response.status, headers: error.response.headers, ...(body === undefined ? {} : { body }) };
}

function isHttpFailure(value: unknown): value is HttpFailure {
  return (
    typeof value === 'object' && value !== null && !(value instanceof Error) && typeof (value as { status?: unknown }).status === 'number'
  );
}

function fromStatus(failure: HttpFailure, context: ErrorContext): CoupaError {
  const { status } = failure;
  // Redact the whole body before parsing: parsing truncates long messages, and a cut secret no longer matches.
  const secrets = context.secrets ?? [];
  const body = typeof failure.body === 'string' ? redactSecrets(failure.body, secrets) : redactJson(failure.body, secrets);
  const parsed = parseErrorBody(body);
  const coupaMessages = parsed.messages.map((m) => redactSecrets(m, secrets));
  const retryAfter = failure.headers ? readRetryAfter(failure.headers) : undefined;
  const details: CoupaErrorDetails = {
    status,
    method: context.method,
    path: context.path,
    coupaMessages,
    ...(context.attempts === undefined ? {} : { attempts: context.attempts }),
    ...(retryAfter?.kind === 'wait' ? { retryAfterMs: retryAfter.ms } : {}),
  };
  const said = coupaMessages.length > 0 ? `: ${coupaMessages.join('; ')}` : '';
  const where = `${context.method} ${shorten(context.path)}`;

  if (context.endpoint === 'token' && status >= 400 && status < 500 && status !== 429) {
    return fromOAuthError(parsed.oauthError, status, said, details, context);
  }
  if (status === 401) {
    return new CoupaUnauthorizedError(
      `Coupa refused the access token for ${where}${said} (HTTP 401), also after fetching a new token: check that the OAuth client is active and its credentials are current`,
      details,
    );
  }
  if (status === 403) {
    return new CoupaForbiddenError(
      `Coupa denied ${where}${said} (HTTP 403): the OAuth client lacks a scope or permission this call needs; grant it under Setup > Integrations > OAuth2/OpenID Connect Clients`,
      details,
    );
  }
  if (status === 404) {
    return new CoupaNotFoundError(`Coupa found nothing at ${where}${said} (HTTP 404): check the object and the id`, details);
  }
  if (status === 409) {
    return new CoupaConflictError(`Coupa reported a conflict for ${where}${said} (HTTP 409): reload the record and try again`, details);
  }
  if (status === 429) {
    const wait = details.retryAfterMs === undefined ? '' : `; Coupa asked to wait ${seconds(details.retryAfterMs)}`;
    return new CoupaRateLimitedError(`Coupa rate-limited ${where}${said} (HTTP 429)${attemptsText(context)}${wait}`, details);
  }
  if (status >= 500 || status === 408) {
    const text = `Coupa failed to process ${where}${said} (HTTP ${status})${attemptsText(context)}`;
    if (outcomeUnknown(context)) return new CoupaUnknownOutcomeError(`${text}${UNKNOWN_OUTCOME}`, details);
    return new CoupaTransientError(`${text}; usually temporary, try again later`, details);
  }
  if (status >= 400) {
    const why = said === '' ? " without saying why: check the request against the object's fields" : '';
    return new CoupaValidationError(`Coupa rejected ${where}${said} (HTTP ${status})${why}`, details);
  }
  if (status >= 300 && status < 400) {
    // Redirects are never followed: the request carries a bearer token or the client secret.
    const location = failure.headers?.get('location');
    const target = location ? ` to ${redirectTarget(location, context.baseUrl)}` : '';
    return new CoupaConfigurationError(
      `Coupa answered ${where} with a redirect (HTTP ${status})${target}, which was not followed because the request carries credentials: ` +
        "set the host to the instance's own https:// URL (as in the browser address bar after logging in)",
      details,
    );
  }
  // A 1xx/2xx reaching here means a response we could not use.
  return new CoupaTransientError(`Coupa answered ${where} with an unexpected HTTP ${status}${said}`, details);
}

function fromOAuthError(
  code: string | undefined,
  status: number,
  said: string,
  details: CoupaErrorDetails,
  context: ErrorContext,
): CoupaError {
  const tag = `(${code ?? `HTTP ${status}`})`;
  const scopes = (context.scopes ?? []).join(' ');
  switch (code ?? (status === 401 ? 'invalid_client' : status === 403 ? 'access_denied' : 'invalid_request')) {
    case 'invalid_client':
      return new CoupaUnauthorizedError(
        `Coupa's token endpoint rejected the OAuth client ${tag}${said}: check the client id and secret, and that the client is active`,
        details,
      );
    case 'invalid_grant':
      return new CoupaUnauthorizedError(`${grantProblem(context.grantType)} ${tag}${said}`, details);
    case 'unauthorized_client':
    case 'access_denied':
      return new CoupaForbiddenError(
        `Coupa's token endpoint refused the ${context.grantType ?? 'requested'} grant ${tag}${said}: enable that grant type on the OAuth client`,
        details,
      );
    case 'invalid_scope':
      return new CoupaValidationError(
        `Coupa refused the requested scopes ${tag}${said}: ${scopes || '(none)'}; grant them to the OAuth client or request fewer`,
        details,
      );
    default:
      return new CoupaValidationError(`Coupa's token endpoint rejected the token request ${tag}${said}`, details);
  }
}

function grantProblem(grantType: ErrorContext['grantType']): string {
  switch (grantType) {
    case 'refresh_token':
      return 'Coupa rejected the refresh token: it expired (they last 90 days), was revoked or was already used; authorise the OAuth client again to get a new one';
    case 'authorization_code':
      return 'Coupa rejected the authorization code: it expired or was already used, or the redirect URI differs from the one used to authorise';
    default:
      return 'Coupa rejected the client credentials grant: check that the OAuth client allows it';
  }
}

function fromFailure(failure: Failure, error: unknown, context: ErrorContext): CoupaError {
  const where = `${context.method} ${shorten(context.path)}`;
  const base: CoupaErrorDetails = {
    method: context.method,
    path: context.path,
    ...(context.attempts === undefined ? {} : { attempts: context.attempts }),
  };
  switch (failure.kind) {
    case 'timeout': {
      // No `cause`: ky's TimeoutError holds the Request, whose headers carry the bearer token.
      const within =
        context.deadlineCutMs !== undefined
          ? ` within ${context.deadlineCutMs} ms, the time left before the caller's deadline`
          : context.timeoutMs === undefined
            ? ''
            : ` within ${context.timeoutMs} ms`;
      const text = `Coupa did not answer ${where}${within}${attemptsText(context)}`;
      if (outcomeUnknown(context)) return new CoupaUnknownOutcomeError(`${text}${UNKNOWN_OUTCOME}`, base);
      return new CoupaTransientError(`${text}; try again later`, base);
    }
    case 'network': {
      const what = describeNetworkCode(failure.code);
      const text = `${where} failed: ${what}${attemptsText(context)}`;
      if (!failure.notSent && outcomeUnknown(context))
        return new CoupaUnknownOutcomeError(`${text}${UNKNOWN_OUTCOME}`, { ...base, cause: error });
      const next = !failure.notSent
        ? 'try again later'
        : failure.code === 'ENOTFOUND'
          ? 'check the host setting'
          : 'the request never reached Coupa, try again later';
      return new CoupaTransientError(`${text}; ${next}`, { ...base, cause: error });
    }
    case 'aborted':
      return new CoupaTransientError(`${where} was aborted before Coupa answered`, { ...base, cause: error });
    default: {
      // Not an answer from Coupa: name it without echoing its message, which may quote its input
      // (a header value with a token, a body with a secret).
      const name = error instanceof Error ? error.name : typeof error;
      return new CoupaTransientError(`${where} failed inside the client (${name}) before Coupa answered`, base);
    }
  }
}

/** Where a redirect pointed: origin and redacted path; relative locations against the host. */
function redirectTarget(location: string, baseUrl: string | undefined): string {
  try {
    const url = new URL(location, baseUrl ?? 'http://unknown.invalid');
    return `${url.origin}${reportedPath(url)}`;
  } catch {
    return 'an unreadable location';
  }
}

/** A parsed JSON body with secrets redacted in every string (round trip through text). */
function redactJson(body: unknown, secrets: readonly (string | undefined)[]): unknown {
  if (body === undefined || body === null || secrets.length === 0) return body;
  try {
    return JSON.parse(redactSecrets(JSON.stringify(body), secrets));
  } catch {
    return undefined;
  }
}

function describeNetworkCode(code: string | undefined): string {
  switch (code) {
    case 'ECONNRESET':
      return 'the connection was reset (ECONNRESET)';
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return `the connection closed unexpectedly (${code})`;
    case 'ECONNREFUSED':
      return 'the connection was refused (ECONNREFUSED)';
    case 'ENOTFOUND':
      return 'the host name does not resolve (ENOTFOUND)';
    case 'EAI_AGAIN':
      return 'the DNS lookup failed temporarily (EAI_AGAIN)';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `the connection timed out (${code})`;
    case undefined:
      return 'a network error';
    default:
      return `a network error (${code})`;
  }
}

/**
 * True when the failed request changes Coupa in a way a resend could repeat (the caller said it is not
 * idempotent, else by its method) and Coupa's answer did not say whether it applied. Token requests
 * are the token module's concern (a lost refresh answer is handled there).
 */
function outcomeUnknown(context: ErrorContext): boolean {
  if (context.endpoint === 'token') return false;
  return !(context.idempotent ?? isIdempotent(context.method));
}

const UNKNOWN_OUTCOME =
  '; the outcome is unknown (Coupa may have applied it), so it was not resent: check Coupa (e.g. get the record by its natural key) before sending it again';

function attemptsText(context: ErrorContext): string {
  const attempts = context.attempts !== undefined && context.attempts > 1 ? ` after ${context.attempts} attempts` : '';
  return context.stoppedForDeadline ? `${attempts} (retries stopped early: the caller's deadline was near)` : attempts;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function shorten(path: string): string {
  return path.length > 300 ? `${path.slice(0, 299)}…` : path;
}

/**
 * What a failed transport call should throw: the mapped {@link CoupaError} for HTTP errors
 * (body read for Coupa's messages), timeouts and network errors, and anything else the transport threw
 * (named, not echoed); only the caller's own abort passes through unchanged.
 * @internal
 */
export async function mapCallError(error: unknown, context: ErrorContext): Promise<unknown> {
  if (error instanceof HTTPError) return toCoupaError(await readHttpFailure(error), context);
  // The caller's own abort passes through; anything else becomes a Coupa error that does not echo it.
  return classifyFailure(error).kind === 'aborted' ? error : toCoupaError(error, context);
}
