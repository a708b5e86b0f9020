// The Coupa REST client: ky underneath (transport.ts), a bearer token from a TokenProvider on every
// attempt, one forced token refresh on 401, retries by retry.ts, errors by to-coupa-error.ts.
import { HTTPError } from 'ky';
import { OAuthTokenProvider } from './auth/OAuthTokenProvider';
import type { TokenProvider } from './auth/types';
import {
  CoupaConfigurationError,
  CoupaRateLimitedError,
  CoupaResponseTooLargeError,
  CoupaTransientError,
  CoupaValidationError,
  isCoupaNotFoundError,
} from './errors';
import { resolveHost, type CoupaHost } from './host';
import { normalizeHttpOptions, type CoupaClientOptions, type NormalizedHttpOptions } from './options';
import { idSegment, normalizeResourcePath } from './path';
import { RateBudgetRefusal, type RateBudget } from './rate-budget';
import { buildQuery, type CoupaQuery, type FieldSpec, type ReturnObject } from './query';
import { reportedPath } from './redact';
import { isIdempotent, MIN_ATTEMPT_MS } from './retry';
import { readRetryAfter } from './retry-timing';
import { mapCallError, toCoupaError, type ErrorContext } from './to-coupa-error';
import { Transport, type CallState, type TransportCall } from './transport';
import type { CoupaRecord, HttpMethod } from './types';

/** Options of one request. */
export interface CoupaRequestOptions {
  /** Conditions and parameters; see {@link buildQuery}. */
  readonly query?: CoupaQuery;
  /** JSON body (dashed keys, as Coupa documents them). */
  readonly json?: unknown;
  /**
   * A `multipart/form-data` body (file uploads: `attachment[file]`); exclusive with `json`. Resent as
   * is by the 401 refresh and by retries the request allows (a FormData is not consumed by sending).
   */
  readonly multipart?: FormData;
  /** `return_object`: GET takes limited/shallow; POST/PUT also none (empty answer). */
  readonly returnObject?: ReturnObject;
  /** `fields=[…]`: which attributes Coupa returns. */
  readonly fields?: FieldSpec | string;
  readonly signal?: AbortSignal;
  /**
   * Epoch ms (`Date.now()` clock) by which the call must have ended, e.g. the Lambda deadline less a
   * reserve. Each attempt's timeout is cut to the time left, a retry is made only if its wait (backoff
   * or `Retry-After`) and at least 1 s of attempt fit before it, and a call with no time left is not
   * sent. It then fails with the error of its last failure, which Step Functions can retry:
   * `Coupa.Transient` (timeouts, 5xx, or not sent at all), `Coupa.RateLimited` (429) — or
   * `Coupa.UnknownOutcome` when a request that is not safe to resend was cut off after it was sent.
   */
  readonly deadlineMs?: number;
  /**
   * Largest body read into memory: a longer answer is cut off while it is read and fails with
   * {@link CoupaResponseTooLargeError} (`Coupa.Validation`). @default no limit (`requestContent`: 32 MiB)
   */
  readonly maxBytes?: number;
  /**
   * May the request be sent again when its outcome is unknown (timeout, reset, 5xx)? Defaults by
   * method (GET/PUT/PATCH/DELETE yes, POST no). Set `false` for a PUT that is not idempotent, such as
   * a special action (`add_approver`) or adding an embedded line: only 429s and the 401 refresh are
   * then retried, which Coupa rejected before doing anything.
   */
  readonly idempotent?: boolean;
  /**
   * Called with Coupa's successful response after its body was read, for headers such as `Date`
   * (the poller estimates Coupa's clock from it). Do not read the body; errors it throws propagate.
   */
  readonly onResponse?: (response: Response) => void;
}

/** Options of {@link CoupaClient.requestContent}: `maxBytes` defaults to 32 MiB ({@link DEFAULT_MAX_CONTENT_BYTES}). */
export type CoupaContentOptions = CoupaRequestOptions;

/**
 * An answer of {@link CoupaClient.requestContent}: parsed JSON (`null` for an empty body), or a file's
 * bytes (image scans, PDFs, attachment downloads) with the content type Coupa sent.
 */
export type CoupaContent =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'file'; readonly status: number; readonly contentType: string; readonly bytes: Uint8Array };

/** Default cap of {@link CoupaContentOptions.maxBytes}: a Lambda holds the whole file in memory. */
export const DEFAULT_MAX_CONTENT_BYTES = 32 * 1024 * 1024;

/** Options of reads. */
export type CoupaReadOptions = Omit<CoupaRequestOptions, 'json' | 'query'> & { readonly query?: CoupaQuery };

/** Options of writes (the body is a separate argument). */
export type CoupaWriteOptions = Omit<CoupaRequestOptions, 'json'>;

/** Options of special actions. */
export interface CoupaActionOptions extends CoupaRequestOptions {
  /** Most Coupa actions are PUT; a few (e.g. `create_alert`) are POST. @default 'PUT' */
  readonly method?: HttpMethod;
}

/** RFC 6750 `b64token`: what may follow `Bearer ` in an Authorization header. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A client for Coupa's REST API (`{host}/api/…`), JSON in and out.
 *
 * @example
 * const coupa = new CoupaClient({ host: 'acme', credentials: { clientId, clientSecret, scopes: ['core.invoice.read'] } });
 * const invoices = await coupa.list('invoices', { status: { in: ['approved', 'voided'] }, limit: 50 });
 */
export class CoupaClient {
  /** The resolved instance URLs. */
  readonly host: CoupaHost;
  /** Where the client gets its bearer tokens. */
  readonly tokenProvider: TokenProvider;
  readonly #http: NormalizedHttpOptions;
  readonly #transport: Transport;
  readonly #budget: RateBudget | undefined;

  /** @throws {CoupaConfigurationError} for an unusable host or options. */
  constructor(options: CoupaClientOptions) {
    if (typeof options !== 'object' || options === null) throw new CoupaConfigurationError('Coupa client options are required');
    this.host = resolveHost(options.host);
    this.#http = normalizeHttpOptions(options);
    if ((options.tokenProvider === undefined) === (options.credentials === undefined)) {
      throw new CoupaConfigurationError('Give the Coupa client exactly one of tokenProvider and credentials');
    }
    if (options.tokenProvider) {
      if (typeof options.tokenProvider.getToken !== 'function') {
        throw new CoupaConfigurationError('tokenProvider must have a getToken() method');
      }
      this.tokenProvider = options.tokenProvider;
    } else {
      const { onRefreshTokenRotated, refreshSkewMs, scopes, ...credentials } = options.credentials!;
      this.tokenProvider = new OAuthTokenProvider(
        {
          host: options.host,
          grantType: credentials.grantType ?? 'client_credentials',
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
          ...(scopes ? { scopes: [...scopes] } : {}),
          ...(credentials.refreshToken ? { refreshToken: credentials.refreshToken } : {}),
        },
        {
          ...this.#http,
          ...(onRefreshTokenRotated ? { onRefreshTokenRotated } : {}),
          ...(refreshSkewMs === undefined ? {} : { refreshSkewMs }),
        },
      );
    }
    if (options.rateBudget !== undefined) {
      const { acquire, penalise } = options.rateBudget;
      if (typeof acquire !== 'function' || typeof penalise !== 'function') {
        throw new CoupaConfigurationError('rateBudget must have acquire() and penalise() methods');
      }
    }
    this.#budget = options.rateBudget;
    this.#transport = new Transport(this.#http, this.host.apiUrl);
  }

  /**
   * Sends one request to `/api/{path}` and returns the parsed JSON (`undefined` for an empty body,
   * e.g. with `return_object=none`).
   *
   * @param path - resource path below /api: `invoices`, `suppliers/12/addresses`, `/api/invoices/5/submit`.
   * @throws {CoupaError} subclasses: `Coupa.Validation` (bad input, 400/422/other 4xx), `Coupa.NotFound`,
   *   `Coupa.Unauthorized` (401 after one refresh), `Coupa.Forbidden`, `Coupa.Conflict`,
   *   `Coupa.RateLimited`, `Coupa.Transient`. A caller's abort is rethrown as is.
   */
  async request<T = unknown>(method: HttpMethod, path: string, options: CoupaRequestOptions = {}): Promise<T | undefined> {
    const { response, context } = await this.#exchange(method, path, options);
    if (options.maxBytes === undefined) return parseBody<T>(response, context, options.onResponse);
    const bytes = await readBytes(response, context, checkedMaxBytes(options.maxBytes));
    options.onResponse?.(response);
    return decodeJson(Buffer.from(bytes).toString('utf8'), response, context) as T | undefined;
  }

  /**
   * Like {@link request}, for calls that may answer with a file rather than JSON (`GET
   * invoices/5/retrieve_image_scan`): a JSON content type (or an empty body) is parsed, an HTML page is
   * taken for a proxy or maintenance page (`Coupa.Transient`, as in `request`), anything else comes back
   * as bytes. At most `maxBytes` are read.
   *
   * @throws {CoupaError} as {@link request}; `Coupa.Validation` when the body is over `maxBytes`.
   */
  async requestContent(method: HttpMethod, path: string, options: CoupaContentOptions = {}): Promise<CoupaContent> {
    const { maxBytes = DEFAULT_MAX_CONTENT_BYTES, ...rest } = options;
    checkedMaxBytes(maxBytes);
    const { response, context } = await this.#exchange(method, path, rest);
    const contentType = response.headers.get('content-type') ?? '';
    const bytes = await readBytes(response, context, maxBytes);
    options.onResponse?.(response);
    if (bytes.length === 0 || isJsonType(contentType) || /^text\/html\b/i.test(contentType)) {
      return { kind: 'json', status: response.status, body: decodeJson(Buffer.from(bytes).toString('utf8'), response, context) ?? null };
    }
    return { kind: 'file', status: response.status, contentType: contentType || 'application/octet-stream', bytes };
  }

  /** Sends the request (token, retries, one refresh on 401); resolves with the 2xx response, body unread. */
  async #exchange(method: HttpMethod, path: string, options: CoupaRequestOptions): Promise<{ response: Response; context: ErrorContext }> {
    const verb = typeof method === 'string' ? method.toUpperCase() : '';
    if (!METHODS.has(verb)) throw new CoupaValidationError(`Unsupported HTTP method ${JSON.stringify(String(method))} for Coupa`);
    const resource = normalizeResourcePath(path);
    if (options.json !== undefined && options.multipart !== undefined)
      throw new CoupaValidationError('Give a request either a JSON or a multipart body, not both');
    if (verb === 'GET' && options.returnObject === 'none') {
      throw new CoupaValidationError('return_object=none is for writes; GET takes limited or shallow');
    }
    const { deadlineMs } = options;
    if (deadlineMs !== undefined && !Number.isFinite(deadlineMs))
      throw new CoupaConfigurationError('deadlineMs must be an instant in epoch ms');
    const search = buildQuery({
      ...options.query,
      ...(options.returnObject ? { return_object: options.returnObject } : {}),
      ...(options.fields ? { fields: options.fields } : {}),
    });
    const context: ErrorContext = {
      method: verb,
      path: reportedPath(new URL(resource + (search ? `?${search}` : ''), this.host.apiUrl)),
      timeoutMs: this.#http.timeoutMs,
      baseUrl: this.host.baseUrl,
      idempotent: options.idempotent ?? isIdempotent(verb),
    };
    let usedToken: string | undefined;
    const budget = this.#budget;
    const state: CallState = { attempts: 0 };
    const call: TransportCall = {
      method: verb as HttpMethod,
      url: resource,
      ...(search ? { searchParams: search } : {}),
      ...(options.json === undefined ? {} : { json: options.json }),
      ...(options.multipart === undefined ? {} : { body: options.multipart }),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(deadlineMs === undefined ? {} : { deadlineMs }),
      idempotent: context.idempotent!,
      beforeAttempt: async (request) => {
        // Every attempt, retries included, takes a turn from the instance's budget, within the deadline.
        if (budget) await takeTurn(budget, { deadlineMs, signal: options.signal }, context, state.attempts - 1);
        // Asked on every attempt: cheap when cached, and a retry picks up a token refreshed meanwhile.
        try {
          usedToken = await this.tokenProvider.getToken();
        } catch (error) {
          // Not a Coupa API failure: keep it out of the API retry loop and the API error mapping.
          throw new PassThrough(error);
        }
        // A stored token that is not a bearer token would make Headers.set throw with the value in its message.
        if (typeof usedToken !== 'string' || !BEARER_TOKEN.test(usedToken)) {
          throw new PassThrough(
            new CoupaConfigurationError(
              'The access token from the token provider is malformed (not an RFC 6750 bearer token): refresh the stored token',
            ),
          );
        }
        request.headers.set('Authorization', `Bearer ${usedToken}`);
      },
      ...(budget && {
        afterAttempt: async (response: Response) => {
          if (response.status !== 429) return;
          const retryAfter = readRetryAfter(response.headers);
          await budget.penalise(retryAfter.kind === 'wait' ? retryAfter.ms : undefined);
        },
      }),
    };
    const failed = (error: unknown) =>
      mapCallError(error, { ...context, ...deadlineContext(state), attempts: state.attempts, secrets: [usedToken] });
    let response: Response;
    try {
      refusePastDeadline(deadlineMs, context);
      response = await this.#transport.send(call, state);
    } catch (error) {
      if (error instanceof PassThrough) throw error.original;
      if (!(error instanceof HTTPError && error.response.status === 401)) throw await failed(error);
      // Coupa rejects a bad token before doing anything, so resending (even a POST) is safe. Once.
      void error.response.body?.cancel().catch(() => undefined);
      await this.tokenProvider.getToken({ forceRefresh: true, ...(usedToken ? { rejectedToken: usedToken } : {}) });
      try {
        refusePastDeadline(deadlineMs, { ...context, attempts: state.attempts });
        response = await this.#transport.send(call, state);
      } catch (second) {
        if (second instanceof PassThrough) throw second.original;
        throw await failed(second);
      }
    }
    return { response, context: { ...context, attempts: state.attempts } };
  }

  /**
   * One page of records: `GET /api/{path}?{query}`. Coupa returns at most 50 per request; see
   * {@link paginate} for more.
   */
  async list<T = CoupaRecord>(path: string, query: CoupaQuery = {}, options: CoupaReadOptions = {}): Promise<T[]> {
    let body: unknown;
    try {
      body = await this.request<unknown>('GET', path, { ...options, query: { ...options.query, ...query } });
    } catch (error) {
      // Coupa's XML API answers an empty search with 404 "No results match…"; if JSON ever does, it means [].
      if (isCoupaNotFoundError(error) && error.coupaMessages.some((m) => /no results match/i.test(m))) return [];
      throw error;
    }
    if (body === undefined) return [];
    if (!Array.isArray(body)) {
      throw new CoupaTransientError(
        `Coupa answered GET ${shortPath(path)} with a JSON ${typeof body} where a list of records was expected`,
        {
          method: 'GET',
          path: `/api/${normalizeResourcePath(path)}`,
        },
      );
    }
    return body as T[];
  }

  /** One record: `GET /api/{path}/{id}`. */
  async get<T = CoupaRecord>(path: string, id: number | string, options: CoupaReadOptions = {}): Promise<T> {
    const resource = `${normalizeResourcePath(path)}/${idSegment(id)}`;
    const body = await this.request<T>('GET', resource, options);
    if (body === undefined) {
      throw new CoupaTransientError(`Coupa answered GET /api/${resource} with an empty body`, { method: 'GET', path: `/api/${resource}` });
    }
    return body;
  }

  /** Creates a record: `POST /api/{path}`. Never retried except on 429 and one 401 refresh. */
  async create<T = CoupaRecord>(path: string, data: unknown, options: CoupaWriteOptions = {}): Promise<T | undefined> {
    requireBody(data, 'create');
    return this.request<T>('POST', path, { ...options, json: data });
  }

  /**
   * Updates a record: `PUT /api/{path}/{id}` with only the fields to change. `data` may be
   * `undefined` for body-less updates such as `?exported=true`.
   */
  async update<T = CoupaRecord>(path: string, id: number | string, data: unknown, options: CoupaWriteOptions = {}): Promise<T | undefined> {
    if (data !== undefined) requireBody(data, 'update');
    const resource = `${normalizeResourcePath(path)}/${idSegment(id)}`;
    return this.request<T>('PUT', resource, { ...options, ...(data === undefined ? {} : { json: data }) });
  }

  /**
   * A special action: `PUT /api/{path}/{id}/{action}` (e.g. `invoices`, 5, `submit`), or on the
   * collection when `id` is null: `POST /api/requisitions/submit_for_approval` with `method: 'POST'`.
   */
  async action<T = CoupaRecord>(
    path: string,
    id: number | string | null | undefined,
    action: string,
    options: CoupaActionOptions = {},
  ): Promise<T | undefined> {
    const { method = 'PUT', ...rest } = options;
    const base = normalizeResourcePath(path);
    const resource = normalizeResourcePath(`${id === null || id === undefined ? base : `${base}/${idSegment(id)}`}/${action}`);
    return this.request<T>(method, resource, rest);
  }

  /** Deletes a record: `DELETE /api/{path}/{id}` (only some Coupa resources allow it). */
  async delete<T = CoupaRecord>(path: string, id: number | string, options: CoupaWriteOptions = {}): Promise<T | undefined> {
    return this.request<T>('DELETE', `${normalizeResourcePath(path)}/${idSegment(id)}`, options);
  }
}

/** Same as `new CoupaClient(options)`. */
export function createCoupaClient(options: CoupaClientOptions): CoupaClient {
  return new CoupaClient(options);
}

/**
 * A call with (almost) no time left before its deadline is not sent: Coupa.Transient, whatever the
 * method, since nothing reached Coupa.
 */
function refusePastDeadline(deadlineMs: number | undefined, context: ErrorContext): void {
  if (deadlineMs === undefined || deadlineMs - Date.now() >= MIN_ATTEMPT_MS) return;
  throw new CoupaTransientError(
    `${context.method} ${shortPath(context.path)} was not sent: less than ${MIN_ATTEMPT_MS} ms were left before the caller's deadline; try again in a new invocation`,
    { method: context.method, path: context.path, ...(context.attempts ? { attempts: context.attempts } : {}) },
  );
}

/** What the error message says about the deadline. */
function deadlineContext(state: CallState): Pick<ErrorContext, 'deadlineCutMs' | 'stoppedForDeadline'> {
  return {
    ...(state.deadlineCutMs === undefined ? {} : { deadlineCutMs: state.deadlineCutMs }),
    ...(state.stoppedForDeadline ? { stoppedForDeadline: true } : {}),
  };
}

function checkedMaxBytes(maxBytes: number): number {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new CoupaConfigurationError('maxBytes must be a whole number of bytes');
  return maxBytes;
}

/** Carries an error raised before sending (token provider, rate budget) through ky untouched (thrown as is by `request`). */
class PassThrough extends Error {
  override readonly name = 'PassThrough';
  constructor(readonly original: unknown) {
    super('failed before sending');
  }
}

/**
 * Waits for the budget's turn. A turn that would come too late for the deadline fails as a 429 would
 * (`Coupa.RateLimited` with `retryAfterMs`): the request was not sent, so it is safe to send again later.
 */
async function takeTurn(
  budget: RateBudget,
  wait: { deadlineMs: number | undefined; signal: AbortSignal | undefined },
  context: ErrorContext,
  attemptsSent: number,
): Promise<void> {
  try {
    await budget.acquire({
      ...(wait.deadlineMs === undefined ? {} : { deadlineMs: wait.deadlineMs }),
      ...(wait.signal ? { signal: wait.signal } : {}),
    });
  } catch (error) {
    if (!(error instanceof RateBudgetRefusal)) throw new PassThrough(error);
    throw new PassThrough(
      new CoupaRateLimitedError(
        `${context.method} ${shortPath(context.path)} was not sent: the instance's Coupa rate budget has no turn free before the caller's deadline; try again in a new invocation`,
        {
          method: context.method,
          path: context.path,
          retryAfterMs: Math.ceil(error.retryAfterMs),
          ...(attemptsSent > 0 ? { attempts: attemptsSent } : {}),
        },
      ),
    );
  }
}

async function parseBody<T>(response: Response, context: ErrorContext, onResponse?: (response: Response) => void): Promise<T | undefined> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // The answer broke off mid-body: for a write, Coupa has probably applied it.
    throw toCoupaError(error, context);
  }
  onResponse?.(response);
  return decodeJson(text, response, context) as T | undefined;
}

/** JSON text → value (`undefined` when blank); anything else is a proxy or maintenance page. */
function decodeJson(text: string, response: Response, context: ErrorContext): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new CoupaTransientError(
      `Coupa answered ${context.method} ${shortPath(context.path)} with HTTP ${response.status} but the body is not JSON (${type}); a proxy or maintenance page may be in the way`,
      { status: response.status, method: context.method, path: context.path, ...(context.attempts ? { attempts: context.attempts } : {}) },
    );
  }
}

/** The body as bytes, refusing (and cancelling) one longer than `maxBytes` before holding it all. */
async function readBytes(response: Response, context: ErrorContext, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = (size: string) =>
    new CoupaResponseTooLargeError(
      `Coupa answered ${context.method} ${shortPath(context.path)} with ${size} bytes, over the limit of ${maxBytes} bytes read into memory`,
      maxBytes,
      { status: response.status, method: context.method, path: context.path },
    );
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    void response.body?.cancel().catch(() => undefined);
    throw tooLarge(String(declared));
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > maxBytes) {
        void response.body?.cancel().catch(() => undefined);
        throw tooLarge(`more than ${maxBytes}`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof CoupaValidationError) throw error;
    throw toCoupaError(error, context); // broke off mid-body
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** `application/json`, `application/vnd.api+json`, `text/json`. */
const isJsonType = (contentType: string): boolean => /^(application|text)\/([\w.-]+\+)?json\b/i.test(contentType);

function requireBody(data: unknown, what: string): void {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new CoupaValidationError(`The ${what} body must be a JSON object with the record's fields (one record per request)`);
  }
}

function shortPath(path: string): string {
  return path.length > 200 ? `${path.slice(0, 199)}…` : path;
}
