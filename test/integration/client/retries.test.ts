// The retry policy over real HTTP: 429 waits as Coupa asks, 5xx/resets/timeouts retry for
// idempotent requests only, POST is never resent after an unknown outcome.
import { isCoupaRateLimitedError, isCoupaTransientError } from '../../../shared/coupa';
import { apiCalls, useSimulator } from './harness';

const h = useSimulator();

/** Arrival times (simulator clock = real time here) of the API requests, as gaps in ms. */
const gaps = () => {
  const times = h.sim.control.requests.filter((r) => r.path.startsWith('/api/')).map((r) => r.timeMs);
  return times.slice(1).map((t, i) => t - times[i]!);
};
// Timers may fire a millisecond early relative to another clock read; allow that much.
const TIMER_SLACK_MS = 2;

describe('429 Too Many Requests', () => {
  it('waits as Retry-After asks, for GET and POST alike', async () => {
    const client = h.client();
    await client.list('suppliers', { limit: 1 }); // token first, so the log holds API calls only below
    h.sim.control.resetRequestLog();
    h.sim.control.injectFaults([{ kind: 'status', status: 429, retryAfterSeconds: 0.3, count: 2 }]);

    await client.list('suppliers', { limit: 1 });

    expect(apiCalls(h.sim)).toEqual([
      ['GET', 429],
      ['GET', 429],
      ['GET', 200],
    ]);
    for (const gap of gaps()) expect(gap).toBeGreaterThanOrEqual(300 - TIMER_SLACK_MS);
    expect(h.retries.map((r) => [r.attempt, r.status, r.delayMs, r.retryAfter])).toEqual([
      [2, 429, 300, true],
      [3, 429, 300, true],
    ]);

    h.sim.control.resetRequestLog();
    h.sim.control.injectFaults([{ kind: 'status', status: 429, retryAfterSeconds: 0.2, method: 'POST' }]);
    const before = h.sim.control.list('suppliers').length;
    await client.create('suppliers', { name: `Rate limited ${Date.now()}` });
    // A rate-limited request was not processed: resending the POST creates exactly one record.
    expect(apiCalls(h.sim)).toEqual([
      ['POST', 429],
      ['POST', 201],
    ]);
    expect(gaps()[0]).toBeGreaterThanOrEqual(200 - TIMER_SLACK_MS);
    expect(h.sim.control.list('suppliers')).toHaveLength(before + 1);
  });

  it('backs off exponentially without Retry-After', async () => {
    const client = h.client({ retry: { limit: 5, backoffBaseMs: 40, backoffLimitMs: 1000, jitter: false } });
    await client.list('suppliers', { limit: 1 });
    h.sim.control.resetRequestLog();
    h.sim.control.injectFaults([{ kind: 'status', status: 429, count: 3 }]);

    await client.list('suppliers', { limit: 1 });

    expect(apiCalls(h.sim).map(([, s]) => s)).toEqual([429, 429, 429, 200]);
    const [a, b, c] = gaps();
    expect(a).toBeGreaterThanOrEqual(40 - TIMER_SLACK_MS);
    expect(b).toBeGreaterThanOrEqual(80 - TIMER_SLACK_MS);
    expect(c).toBeGreaterThanOrEqual(160 - TIMER_SLACK_MS);
    expect(h.retries.map((r) => [r.delayMs, r.retryAfter])).toEqual([
      [40, false],
      [80, false],
      [160, false],
    ]);
  });

  it('keeps jittered waits between half and all of the backoff', async () => {
    const client = h.client({ retry: { limit: 5, backoffBaseMs: 40, jitter: true } });
    h.sim.control.injectFaults([{ kind: 'status', status: 429, count: 3 }]);
    await client.list('suppliers', { limit: 1 });
    const delays = h.retries.map((r) => r.delayMs);
    expect(delays).toHaveLength(3);
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual((40 * 2 ** i) / 2 - 1);
      expect(delay).toBeLessThanOrEqual(40 * 2 ** i);
    });
  });

  it('fails with Coupa.RateLimited after the retry limit, carrying the attempts and the wait', async () => {
    const client = h.client({ retry: { limit: 2, backoffBaseMs: 5, jitter: false } });
    await client.list('suppliers', { limit: 1 });
    h.sim.control.resetRequestLog();
    h.sim.control.injectFaults([{ kind: 'status', status: 429, retryAfterSeconds: 0.05, count: 10 }]);

    const error = await client.list('suppliers').catch((e: Error) => e);

    expect(isCoupaRateLimitedError(error)).toBe(true);
    expect(error).toMatchObject({
      status: 429,
      attempts: 3,
      retryAfterMs: 50,
      coupaMessages: ['Rate limit exceeded: too many requests, slow down'],
    });
    expect(apiCalls(h.sim)).toHaveLength(3);
  });

  it('does not sleep a Retry-After longer than maxRetryAfterMs: fails at once with the wait', async () => {
    const client = h.client({ retry: { maxRetryAfterMs: 1000 } });
    await client.list('suppliers', { limit: 1 });
    h.sim.control.resetRequestLog();
    h.sim.control.injectFaults([{ kind: 'status', status: 429, retryAfterSeconds: 120 }]);

    const error = await client.list('suppliers').catch((e: Error) => e);

    expect(error).toMatchObject({ name: 'Coupa.RateLimited', attempts: 1, retryAfterMs: 120_000 });
    expect((error as Error).message).toMatch(/Coupa asked to wait 120 s/);
    expect(apiCalls(h.sim)).toHaveLength(1);
  });

  it('rides out the simulator rate limit (25/s, burst 20) by backing off', async () => {
    h.sim.control.setRateLimit({ perSecond: 25, burst: 20 });
    try {
      const client = h.client({ retry: { limit: 10, backoffBaseMs: 50, backoffLimitMs: 400, jitter: true } });
      const records = await Promise.all(Array.from({ length: 30 }, (_, i) => client.get('suppliers', (i % 30) + 1)));
      expect(records).toHaveLength(30);
      const statuses = apiCalls(h.sim).map(([, s]) => s);
      expect(statuses.filter((s) => s === 200)).toHaveLength(30);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    } finally {
      h.sim.control.setRateLimit(false);
    }
  });
});

describe('5xx, resets and timeouts', () => {
  it('retries GET through 500, 502, 503 and 504', async () => {
    const client = h.client();
    h.sim.control.injectFaults([500, 502, 503, 504].map((status) => ({ kind: 'status' as const, status, path: '/api' })));

    const supplier = await client.get('suppliers', 3);

    expect(supplier.id).toBe(3);
    expect(apiCalls(h.sim).map(([, s]) => s)).toEqual([500, 502, 503, 504, 200]);
    expect(h.retries.map((r) => r.status)).toEqual([500, 502, 503, 504]);
  });

  it('retries GET and PUT after connection resets', async () => {
    const client = h.client();
    h.sim.control.injectFaults([{ kind: 'reset', count: 2 }]);
    expect(await client.list('suppliers', { limit: 2 })).toHaveLength(2);
    expect(apiCalls(h.sim)).toEqual([
      ['GET', 0],
      ['GET', 0],
      ['GET', 200],
    ]);
    expect(h.retries.map((r) => [r.reason, r.code])).toEqual([
      ['network', expect.stringMatching(/^(ECONNRESET|UND_ERR_SOCKET|EPIPE)$/)],
      ['network', expect.stringMatching(/^(ECONNRESET|UND_ERR_SOCKET|EPIPE)$/)],
    ]);

    h.sim.control.resetRequestLog();
    h.sim.control.injectFaults([{ kind: 'reset', method: 'PUT' }]);
    await client.update('suppliers', 4, { 'display-name': 'Renamed after a reset' });
    expect(apiCalls(h.sim)).toEqual([
      ['PUT', 0],
      ['PUT', 200],
    ]);
    expect(h.sim.control.get('suppliers', 4)!['display-name']).toBe('Renamed after a reset');
  });

  it('retries a GET that timed out', async () => {
    const client = h.client({ timeoutMs: 500 });
    await client.list('suppliers', { limit: 1 });
    h.sim.control.resetRequestLog();
    h.sim.control.injectFaults([{ kind: 'delay', ms: 2000, method: 'GET' }]);

    expect(await client.list('suppliers', { limit: 1 })).toHaveLength(1);
    expect(h.sim.control.requests.map((r) => [r.method, r.fault ?? null])).toEqual([
      ['GET', 'delay'],
      ['GET', null],
    ]);
    expect(h.retries.map((r) => r.reason)).toEqual(['timeout']);
  });

  it('gives up with Coupa.Transient after the limit', async () => {
    const client = h.client({ retry: { limit: 2, backoffBaseMs: 5 } });
    h.sim.control.injectFaults([{ kind: 'status', status: 503, count: 5 }]);
    const error = await client.get('suppliers', 1).catch((e: Error) => e);
    expect(isCoupaTransientError(error)).toBe(true);
    expect(error).toMatchObject({ status: 503, attempts: 3 });
    expect((error as Error).message).toBe(
      'Coupa failed to process GET /api/suppliers/1: Injected fault: HTTP 503 (HTTP 503) after 3 attempts; usually temporary, try again later',
    );
  });
});

describe('POST is never resent after an unknown outcome', () => {
  const newSupplier = () => ({ name: `Unknown outcome ${Date.now()}-${Math.random()}` });

  it('fails at once on a timeout, saying the outcome is unknown', async () => {
    const client = h.client({ timeoutMs: 500 });
    await client.list('suppliers', { limit: 1 });
    h.sim.control.resetRequestLog();
    h.sim.control.injectFaults([{ kind: 'delay', ms: 2000, method: 'POST' }]);

    const error = await client.create('suppliers', newSupplier()).catch((e: Error) => e);

    expect(error).toMatchObject({ name: 'Coupa.UnknownOutcome', method: 'POST', path: '/api/suppliers', attempts: 1 });
    expect((error as Error).message).toBe(
      'Coupa did not answer POST /api/suppliers within 500 ms; the outcome is unknown (Coupa may have applied it), so it was not resent: check Coupa (e.g. get the record by its natural key) before sending it again',
    );
    expect(h.sim.control.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(h.retries).toEqual([]);
  });

  it('fails at once on a connection reset', async () => {
    const client = h.client();
    await client.list('suppliers', { limit: 1 });
    h.sim.control.resetRequestLog();
    h.sim.control.injectFaults([{ kind: 'reset', method: 'POST' }]);

    const error = await client.create('suppliers', newSupplier()).catch((e: Error) => e);

    expect(error).toMatchObject({ name: 'Coupa.UnknownOutcome', attempts: 1 });
    expect((error as Error).message).toMatch(
      /^POST \/api\/suppliers failed: the connection (was reset|closed unexpectedly) \(\w+\); the outcome is unknown/,
    );
    expect(apiCalls(h.sim)).toEqual([['POST', 0]]);
  });

  it('fails at once on a 5xx', async () => {
    const client = h.client();
    h.sim.control.injectFaults([{ kind: 'status', status: 502, method: 'POST' }]);
    const error = await client.action('suppliers', null, 'bogus_collection_action', { method: 'POST' }).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'Coupa.UnknownOutcome', status: 502, attempts: 1 });
    expect(apiCalls(h.sim)).toEqual([['POST', 502]]);
  });
});
