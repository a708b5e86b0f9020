import type { Simulator } from '../../shared/simulator';
import { call, getToken, startTestSimulator, T0 } from './helpers';

/** The rate limit's scopes over HTTP: Coupa's budget is one per instance, shared by every integration. */
describe('simulator rate limit scopes', () => {
  let sim: Simulator;
  let erpToken: string;
  let connectorToken: string;
  const departments = '/departments?limit=1&fields=["id"]';

  beforeAll(async () => {
    sim = await startTestSimulator();
    // Two integrations of one customer, each with its own token.
    [erpToken, connectorToken] = await Promise.all([getToken(sim), getToken(sim)]);
    expect(erpToken).not.toBe(connectorToken);
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.control.clock.set(T0 + 3_600_000));
  afterEach(() => sim.control.setRateLimit(false));

  const statuses = async (token: string | undefined, count: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push((await call(sim, token, 'GET', departments)).status);
    return out;
  };

  it('instance scope: clients with different tokens draw from one bucket, and the 429 carries Retry-After', async () => {
    sim.control.setRateLimit({ perSecond: 2, burst: 3, scope: 'instance', retryAfter: true });
    expect(await statuses(erpToken, 2)).toEqual([200, 200]);
    expect(await statuses(connectorToken, 2)).toEqual([200, 429]);
    const refused = await call(sim, erpToken, 'GET', departments);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ errors: { base: [expect.stringContaining('Rate limit')] } });
    expect(refused.headers.get('retry-after')).toBe('1');
    // Requests without a valid token count against the instance too (the limit comes before auth).
    expect((await call(sim, undefined, 'GET', departments)).status).toBe(429);

    sim.control.clock.advance(500); // one token at 2/s: whoever asks first gets it
    expect(await statuses(connectorToken, 1)).toEqual([200]);
    expect(await statuses(erpToken, 1)).toEqual([429]);
  });

  it('Retry-After is the whole seconds until the instance bucket has a token again', async () => {
    sim.control.setRateLimit({ perSecond: 0.25, burst: 1, scope: 'instance', retryAfter: true });
    expect(await statuses(erpToken, 1)).toEqual([200]);
    expect((await call(sim, connectorToken, 'GET', departments)).headers.get('retry-after')).toBe('4');
    sim.control.clock.advance(2_500);
    expect((await call(sim, erpToken, 'GET', departments)).headers.get('retry-after')).toBe('2');
    sim.control.clock.advance(1_500);
    expect(await statuses(connectorToken, 1)).toEqual([200]);
  });

  it('token scope: each token has its own bucket; client scope (the default) shares one per OAuth client', async () => {
    sim.control.setRateLimit({ perSecond: 1, burst: 2, scope: 'token' });
    expect(await statuses(erpToken, 3)).toEqual([200, 200, 429]);
    expect(await statuses(connectorToken, 3)).toEqual([200, 200, 429]);

    sim.control.setRateLimit({ perSecond: 1, burst: 2 });
    expect(await statuses(erpToken, 2)).toEqual([200, 200]);
    const refused = await call(sim, connectorToken, 'GET', departments);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeNull(); // Coupa documents none: only when asked for
  });

  it('is set over the control interface, and an unknown scope is refused', async () => {
    const control = async (body: unknown) => {
      const res = await fetch(`${sim.baseUrl}/__sim/rate-limit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect(await control({ perSecond: 25, burst: 1, scope: 'instance', retryAfter: true })).toEqual({ status: 200, body: { ok: true } });
    expect(await statuses(erpToken, 1)).toEqual([200]);
    const refused = await call(sim, connectorToken, 'GET', departments);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');

    const wrong = await control({ perSecond: 25, burst: 20, scope: 'tenant' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatch(/scope tenant/);
    expect(await statuses(connectorToken, 1)).toEqual([429]); // the instance limit is still in force
  });

  it('takes the scope as a start option; rateLimitRetryAfter is the default for retryAfter', async () => {
    const other = await startTestSimulator({ rateLimit: { perSecond: 1, burst: 1, scope: 'instance' }, rateLimitRetryAfter: true });
    try {
      const [a, b] = await Promise.all([getToken(other), getToken(other)]);
      expect((await call(other, a, 'GET', departments)).status).toBe(200);
      const refused = await call(other, b, 'GET', departments);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
    } finally {
      await other.close();
    }
  });
});
