// One simulator per test file, a client holding every object's scopes, and helpers to run actions and
// read the request log. Retries are fast and deterministic.
import { runAction, type ActionResult } from '../../../shared/actions';
import { catalog } from '../../../shared/catalog';
import { CoupaClient, type CoupaRecord } from '../../../shared/coupa';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../shared/simulator';

export const ALL_SCOPES = [...new Set(catalog.flatMap((o) => [o.scopes.read, o.scopes.write]))];

export interface ActionHarness {
  readonly sim: Simulator;
  readonly client: CoupaClient;
  /** runAction with this file's client. */
  run(action: string, input: unknown): Promise<ActionResult>;
  /** A single-record result's record (fails the test for other result kinds). */
  record(action: string, input: unknown): Promise<CoupaRecord>;
  /** `METHOD /api/path?query` of every API request since the last reset. */
  apiRequests(): string[];
}

/** Registers beforeAll/afterAll/beforeEach hooks and returns the harness. */
export function useActionSimulator(options: SimulatorOptions = {}): ActionHarness {
  let sim: Simulator | undefined;
  let client: CoupaClient | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, records: 30, rateLimit: false, ...options });
    client = new CoupaClient({
      host: sim.baseUrl,
      credentials: { clientId: 'sim-client', clientSecret: 'sim-secret', scopes: ALL_SCOPES },
      retry: { limit: 2, backoffBaseMs: 10, backoffLimitMs: 50, jitter: false },
      timeoutMs: 5_000,
    });
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(() => {
    sim!.control.clearFaults();
    sim!.control.resetRequestLog();
  });
  const harness: ActionHarness = {
    get sim() {
      if (!sim) throw new Error('simulator not started');
      return sim;
    },
    get client() {
      if (!client) throw new Error('simulator not started');
      return client;
    },
    run: (action, input) => runAction({ client: harness.client }, action, input),
    async record(action, input) {
      const result = await harness.run(action, input);
      if (!('record' in result) || result.record === null)
        throw new Error(`expected a record from ${action}, got ${JSON.stringify(result).slice(0, 200)}`);
      return result.record;
    },
    apiRequests: () =>
      harness.sim.control.requests
        .filter((r) => r.path.startsWith('/api/'))
        .map((r) => `${r.method} ${r.path}${r.rawQuery ? `?${decodeURIComponent(r.rawQuery)}` : ''}`),
  };
  return harness;
}

/** First record of `key` (canonical form) that satisfies `predicate`. */
export function findRecord(sim: Simulator, key: string, predicate: (r: CoupaRecord) => boolean): CoupaRecord {
  const found = sim.control.list(key).find(predicate);
  if (!found) throw new Error(`the simulator has no ${key} record for this test`);
  return found;
}
