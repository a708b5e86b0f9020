// One HTTP exchange as a diagnosis needs it: the raw answer (status, headers, a bounded body) or the
// network failure's code, never retried and never following a redirect (the token request carries the
// client secret; a redirect is itself a finding).
import type { FetchLike } from '../coupa';

export interface Answer {
  readonly kind: 'answer';
  readonly status: number;
  readonly headers: Headers;
  /** At most 64 KiB of the body. */
  readonly body: string;
  /** Our clock halfway through the exchange, to compare with the `Date` header. */
  readonly midpointMs: number;
}

export interface NetworkFailure {
  readonly kind: 'network';
  /** `ENOTFOUND`, `ECONNREFUSED`, `CERT_HAS_EXPIRED`, `TIMEOUT`…; undefined when none was given. */
  readonly code?: string;
  /** The innermost message when there is no code (undici's `bad port`); never holds the URL's query. */
  readonly detail?: string;
}

export type Outcome = Answer | NetworkFailure;

export interface ExchangeOptions {
  readonly fetch: FetchLike;
  readonly now: () => number;
  readonly timeoutMs: number;
}

const MAX_BODY_CHARS = 65_536;

export async function exchange(url: string, init: RequestInit, options: ExchangeOptions): Promise<Outcome> {
  const started = options.now();
  try {
    const response = await options.fetch(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: { Accept: 'application/json', 'User-Agent': 'coupa-connector doctor', ...(init.headers as Record<string, string>) },
    });
    const midpointMs = (started + options.now()) / 2;
    const body = (await response.text()).slice(0, MAX_BODY_CHARS);
    return { kind: 'answer', status: response.status, headers: response.headers, body, midpointMs };
  } catch (error) {
    const code = failureCode(error);
    if (code !== undefined) return { kind: 'network', code };
    const detail = innermostMessage(error);
    return detail === undefined ? { kind: 'network' } : { kind: 'network', detail };
  }
}

/** The first `code` down the `cause` chain (undici puts the system error there); `TIMEOUT` for our timeout. */
function failureCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { name, code } = e as { name?: unknown; code?: unknown };
    if (name === 'TimeoutError') return 'TIMEOUT';
    if (typeof code === 'string' && code !== '') return code;
  }
  return undefined;
}

function innermostMessage(error: unknown): string | undefined {
  let message: string | undefined;
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const m = (e as { message?: unknown }).message;
    if (typeof m === 'string' && m !== '') message = m;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is replaced
  return message?.replace(/[\u0000-\u001f]/g, ' ').slice(0, 120);
}

/** The JSON object a body holds, or undefined. */
export function jsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The `Location` of a redirect as origin + path only (no query: it could carry anything). */
export function redirectTarget(answer: Answer, base: string): string {
  const location = answer.headers.get('location');
  if (!location) return 'nowhere (no Location header)';
  try {
    const url = new URL(location, base);
    return `${url.origin}${url.pathname}`;
  } catch {
    return 'an unreadable Location';
  }
}
