// Starts the project's Coupa simulator for one test file and builds clients against it with small,
// deterministic retry delays. One simulator per file, closed in afterAll.
import { CoupaClient, type CoupaClientOptions, type RetryEvent } from '../../../shared/coupa';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../shared/simulator';

export const CLIENT_ID = 'sim-client';
export const CLIENT_SECRET = 'sim-secret';
/** Scopes the tests need; the simulator answers 403 for objects outside the granted scopes. */
export const SCOPES = ['core.supplier.read', 'core.supplier.write', 'core.invoice.read'];

export interface Harness {
  readonly sim: Simulator;
  /** A client with its own OAuth provider, fast retries and a retry log. */
  client(overrides?: Partial<CoupaClientOptions>): CoupaClient;
  readonly retries: RetryEvent[];
}

/** Registers beforeAll/afterAll/beforeEach hooks and returns the harness (usable inside tests). */
export function useSimulator(options: SimulatorOptions = {}): Harness {
  let sim: Simulator | undefined;
  const retries: RetryEvent[] = [];
  beforeAll(async () => {
    sim = await startSimulator({ records: 30, rateLimit: false, ...options });
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(() => {
    sim!.control.clearFaults();
    sim!.control.resetRequestLog();
    retries.length = 0;
  });
  return {
    get sim() {
      if (!sim) throw new Error('simulator not started');
      return sim;
    },
    retries,
    client(overrides = {}) {
      return new CoupaClient({
        host: sim!.baseUrl,
        credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: SCOPES },
        retry: { limit: 5, backoffBaseMs: 20, backoffLimitMs: 200, jitter: false },
        timeoutMs: 5_000,
        onRetry: (event) => retries.push(event),
        ...overrides,
      } as CoupaClientOptions);
    },
  };
}

/** The log entries of API (not token) requests, as [method, status] pairs. */
export const apiCalls = (sim: Simulator) => sim.control.requests.filter((r) => r.path.startsWith('/api/')).map((r) => [r.method, r.status]);

/** How many token requests reached the simulator. */
export const tokenRequests = (sim: Simulator) => sim.control.requests.filter((r) => r.path === '/oauth2/token').length;
