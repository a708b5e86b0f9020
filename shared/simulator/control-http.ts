import type { SimulatorControl } from './control';
import type { Fault } from './faults';
import type { Data } from './generator';
import type { RateLimitScope } from './rate-limiter';

/**
 * The control interface over HTTP, for a simulator started in another process (the CLI). JSON in,
 * JSON out; every route is listed in README.md.
 */

export interface ControlResponse {
  readonly status: number;
  readonly body: unknown;
}

type Body = Record<string, unknown>;

export async function handleControl(control: SimulatorControl, method: string, path: string, body: unknown): Promise<ControlResponse> {
  const b: Body = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Body) : {};
  const parts = path
    .replace(/^\/__sim\/?/, '')
    .split('/')
    .filter(Boolean);
  const route = `${method} ${parts.map((p, i) => (parts[i - 1] === 'objects' || parts[i - 1] === 'records' ? ':' : p)).join('/')}`;
  try {
    return ok(await dispatch(control, route, parts, b, body));
  } catch (e) {
    return { status: e instanceof RouteNotFound ? 404 : 400, body: { error: (e as Error).message } };
  }
}

class RouteNotFound extends Error {}

async function dispatch(control: SimulatorControl, route: string, parts: readonly string[], b: Body, raw: unknown): Promise<unknown> {
  const key = parts[1] ?? '';
  const id = Number(parts[3]);
  switch (route) {
    case 'GET health':
      return { ok: true };
    case 'GET objects':
      return control.objects();
    case 'GET objects/:/records':
      return control.list(key);
    case 'GET objects/:/records/:': {
      const record = control.get(key, id);
      if (!record) throw new RouteNotFound(`No ${key} record with id ${id}`);
      return record;
    }
    case 'POST objects/:/records':
      return control.create(key, (b.data ?? {}) as Data, editOptions(b));
    case 'PATCH objects/:/records/:':
    case 'PUT objects/:/records/:':
      return control.update(key, id, (b.patch ?? {}) as Data, editOptions(b));
    case 'POST objects/:/touch':
      control.touch(key, (b.ids ?? []) as number[], editOptions(b));
      return { touched: (b.ids as unknown[] | undefined)?.length ?? 0 };
    case 'GET objects/:/history':
      return control.history(key);
    case 'GET faults':
      return control.pendingFaults();
    case 'POST faults':
      control.injectFaults((Array.isArray(raw) ? raw : (b.faults ?? [])) as Fault[]);
      return control.pendingFaults();
    case 'DELETE faults':
      control.clearFaults();
      return [];
    case 'POST revoke-tokens':
      control.revokeTokens();
      return { revoked: true };
    case 'POST authorization-codes':
      return { code: control.issueAuthorizationCode((b.scopes ?? []) as string[] | string, b.redirectUri as string | undefined) };
    case 'GET granted-scopes':
      return control.grantedScopes();
    case 'GET requests':
      return control.requests;
    case 'DELETE requests':
      control.resetRequestLog();
      return [];
    case 'GET clock':
      return { now: control.clock.now(), frozen: control.clock.frozen };
    case 'POST clock':
      if (typeof b.set === 'number') control.clock.set(b.set);
      if (typeof b.advance === 'number') control.clock.advance(b.advance);
      if (b.real === true) control.clock.useRealTime();
      return { now: control.clock.now(), frozen: control.clock.frozen };
    case 'POST concurrent-edits':
      control.concurrentEdits(b as never);
      return { ok: true };
    case 'DELETE concurrent-edits':
      control.concurrentEdits(undefined);
      return { ok: true };
    case 'POST visibility-lag':
      control.setVisibilityLagMs(Number(b.ms ?? 0));
      return { ok: true };
    case 'POST latency':
      control.setLatencyMs(Number(b.ms ?? 0));
      return { ok: true };
    case 'POST rate-limit':
      control.setRateLimit(
        b.enabled === false
          ? false
          : {
              perSecond: Number(b.perSecond ?? 25),
              burst: Number(b.burst ?? 20),
              ...(b.scope === undefined ? {} : { scope: b.scope as RateLimitScope }),
              ...(b.retryAfter === undefined ? {} : { retryAfter: b.retryAfter === true }),
            },
      );
      return { ok: true };
    case 'POST enforce-scopes':
      control.setEnforceScopes(b.enabled !== false);
      return { ok: true };
    default:
      throw new RouteNotFound(`No control route ${route}`);
  }
}

function editOptions(b: Body): { at?: number; visibleAfterMs?: number } {
  return {
    ...(typeof b.at === 'number' ? { at: b.at } : {}),
    ...(typeof b.visibleAfterMs === 'number' ? { visibleAfterMs: b.visibleAfterMs } : {}),
  };
}

const ok = (body: unknown): ControlResponse => ({ status: 200, body });
