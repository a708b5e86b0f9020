import { startSimulator, type Simulator, type SimulatorOptions } from '../../shared/simulator';

/** Shared by the simulator's tests: start one on port 0, get tokens, call the API over real HTTP. */

/** 2026-11-20T12:00:00Z: a fixed start so that generated data is the same in every run. */
export const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

export async function startTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ rateLimit: false, now: () => T0, ...options });
}

export interface TokenOptions {
  readonly scope?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly path?: string;
}

export async function tokenResponse(
  sim: Simulator,
  body: Record<string, string>,
  headers: Record<string, string> = {},
  path = '/oauth2/token',
) {
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

export async function getToken(sim: Simulator, options: TokenOptions = {}): Promise<string> {
  const { status, body } = await tokenResponse(
    sim,
    {
      grant_type: 'client_credentials',
      client_id: options.clientId ?? 'sim-client',
      client_secret: options.clientSecret ?? 'sim-secret',
      ...(options.scope ? { scope: options.scope } : {}),
    },
    {},
    options.path,
  );
  if (status !== 200) throw new Error(`token request failed: ${status} ${JSON.stringify(body)}`);
  return String(body.access_token);
}

export interface ApiReply<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
  readonly text: string;
}

/** One API call; `path` is below `/api` and is sent exactly as given (encode it yourself). */
export async function call<T = any>(
  sim: Simulator,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiReply<T>> {
  const res = await fetch(`${sim.baseUrl}/api${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers, text };
}

/** A client for one simulator and token. */
export function client(sim: Simulator, token: string) {
  return {
    get: <T = any>(path: string) => call<T>(sim, token, 'GET', path),
    post: <T = any>(path: string, body?: unknown) => call<T>(sim, token, 'POST', path, body),
    put: <T = any>(path: string, body?: unknown) => call<T>(sim, token, 'PUT', path, body),
    del: <T = any>(path: string) => call<T>(sim, token, 'DELETE', path),
  };
}

export const enc = encodeURIComponent;
export const ids = (rows: readonly { id: number }[]): number[] => rows.map((r) => r.id);
