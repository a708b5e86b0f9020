// One HTTP exchange with Coupa through ky: retries by our policy, per-attempt hooks (auth header,
// metrics, retry reports). Shared by the API client and the OAuth token requests. Throws ky's raw
// errors; callers map them with `toCoupaError` (they know what the request meant).
import ky, { HTTPError, TimeoutError, type KyInstance } from 'ky';
import type { NormalizedHttpOptions } from './options';
import { reportedPath } from './redact';
import { classifyFailure, kyRetryOptions, type RetryState } from './retry';
import type { FetchLike, HttpMethod } from './types';

/** One request, as the transport needs it. */
export interface TransportCall {
  readonly method: HttpMethod;
  /** Relative to the transport's prefix URL (no leading slash), or absolute without one. */
  readonly url: string;
  /** Encoded query string without `?`. */
  readonly searchParams?: string;
  /** JSON body (sets `Content-Type: application/json`). */
  readonly json?: unknown;
  /** Form body (sets `Content-Type: application/x-www-form-urlencoded`). */
  readonly form?: URLSearchParams;
  /** Multipart body (fetch sets `Content-Type: multipart/form-data; boundary=…`). */
  readonly body?: FormData;
  readonly signal?: AbortSignal;
  /** May the request be resent when its outcome is unknown (timeouts, resets, 5xx)? */
  readonly idempotent: boolean;
  /**
   * Epoch ms by which the call must have ended: each attempt's timeout is cut to the time left, and a
   * retry is made only if it can end before it (retry.ts).
   */
  readonly deadlineMs?: number;
  /** Runs before every attempt, e.g. to set `Authorization` from the current token. */
  readonly beforeAttempt?: (request: Request) => Promise<void> | void;
  /** Runs after every attempt that got an answer (any status), before retries or errors are decided. */
  readonly afterAttempt?: (response: Response) => Promise<void> | void;
}

/** What one call went through; filled in while it runs. */
export interface CallState {
  attempts: number;
  /** Set when an attempt's timeout was cut to the time left before the deadline: that many ms. */
  deadlineCutMs?: number;
  /** Set when retrying stopped because another attempt would not end before the deadline. */
  stoppedForDeadline?: boolean;
}

export class Transport {
  readonly #ky: KyInstance;
  readonly #options: NormalizedHttpOptions;

  constructor(options: NormalizedHttpOptions, prefixUrl?: string) {
    this.#options = options;
    this.#ky = ky.create({
      ...(prefixUrl === undefined ? {} : { prefixUrl }),
      timeout: options.timeoutMs,
      throwHttpErrors: true,
      // Never follow a redirect: every request carries a bearer token or the client secret, and a 3xx
      // could hand them to another origin. A 3xx fails as an error that names where it pointed.
      redirect: 'manual',
      headers: { Accept: 'application/json', 'User-Agent': options.userAgent },
    });
  }

  /** The per-attempt timeout, for messages. */
  get timeoutMs(): number {
    return this.#options.timeoutMs;
  }

  /**
   * Sends the request, retrying as `retry.ts` decides. Resolves with a 2xx response whose body is
   * unread; rejects with ky's HTTPError/TimeoutError, a network error, or whatever `beforeAttempt` threw.
   */
  async send(call: TransportCall, state: CallState): Promise<Response> {
    const options = this.#options;
    const retryState: RetryState = { delayMs: 0, retryAfter: false };
    const onRequest = options.onRequest;
    const baseFetch = options.fetch;
    // Wrapping fetch sees every real attempt, including the ones that never get an answer.
    const fetch: FetchLike = async (input, init) => {
      const started = performance.now();
      // ky always passes a Request; the other forms are handled for completeness.
      const method = input instanceof Request ? input.method : (init?.method ?? 'GET');
      const url = input instanceof Request ? input.url : String(input);
      const report = (outcome: { status: number } | { error: string }) =>
        safely(() =>
          onRequest?.({
            method,
            path: reportedPath(url),
            ...outcome,
            durationMs: Math.round(performance.now() - started),
          }),
        );
      try {
        const response = await withinDeadline(baseFetch, input, init, call.deadlineMs, options.timeoutMs, state);
        report({ status: response.status });
        await call.afterAttempt?.(response);
        return response;
      } catch (error) {
        report({ error: error instanceof Error ? error.name : 'Error' });
        throw error;
      }
    };
    try {
      return await this.#send(call, state, fetch, retryState);
    } finally {
      if (retryState.stoppedForDeadline) state.stoppedForDeadline = true;
    }
  }

  #send(call: TransportCall, state: CallState, fetch: FetchLike, retryState: RetryState): Promise<Response> {
    const options = this.#options;
    return this.#ky(call.url, {
      method: call.method,
      ...(call.searchParams ? { searchParams: call.searchParams } : {}),
      ...(call.json === undefined ? {} : { json: call.json }),
      ...(call.form === undefined ? {} : { body: call.form }),
      ...(call.body === undefined ? {} : { body: call.body }),
      ...(call.signal ? { signal: call.signal } : {}),
      fetch,
      retry: kyRetryOptions(
        options.retry,
        {
          idempotent: call.idempotent,
          ...(call.signal ? { signal: call.signal } : {}),
          ...(call.deadlineMs === undefined ? {} : { deadlineMs: call.deadlineMs }),
        },
        retryState,
      ),
      hooks: {
        beforeRequest: [
          async (request) => {
            state.attempts += 1;
            await call.beforeAttempt?.(request);
          },
        ],
        beforeRetry: [
          ({ request, error, retryCount }) => {
            if (error instanceof HTTPError) {
              // ky leaves failed responses unread; release their sockets.
              void error.response.body?.cancel().catch(() => undefined);
            }
            const failure = classifyFailure(error);
            if (failure.kind !== 'status' && failure.kind !== 'timeout' && failure.kind !== 'network') return;
            const code = failure.kind === 'network' ? failure.code : undefined;
            safely(() =>
              options.onRetry?.({
                method: request.method,
                path: reportedPath(request.url),
                attempt: retryCount + 1,
                reason: failure.kind as 'status' | 'timeout' | 'network',
                ...(failure.kind === 'status' ? { status: failure.status } : {}),
                ...(code ? { code } : {}),
                delayMs: Math.round(retryState.delayMs),
                retryAfter: retryState.retryAfter,
              }),
            );
          },
        ],
      },
    });
  }
}

/**
 * One fetch attempt, failing as ky's own timeout would (a TimeoutError) when the time left before the
 * deadline runs out first. ky's per-attempt timeout (`timeoutMs`) still applies when it is the shorter.
 */
async function withinDeadline(
  fetch: FetchLike,
  input: Request | string | URL,
  init: RequestInit | undefined,
  deadlineMs: number | undefined,
  timeoutMs: number,
  state: CallState,
): Promise<Response> {
  const leftMs = deadlineMs === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(deadlineMs - Date.now()));
  if (leftMs >= timeoutMs || !(input instanceof Request)) return fetch(input, init);
  const cut = new AbortController();
  return new Promise<Response>((resolve, reject) => {
    const timer = setTimeout(() => {
      state.deadlineCutMs = leftMs;
      cut.abort();
      reject(new TimeoutError(input));
    }, leftMs);
    fetch(input, { ...init, signal: AbortSignal.any([input.signal, cut.signal]) })
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

// Observability hooks must never break a request.
function safely(action: () => void): void {
  try {
    action();
  } catch {
    // ignored on purpose
  }
}
