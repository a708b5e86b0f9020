import type { Simulator } from '../../shared/simulator';
import { call, client, enc, getToken, ids, startTestSimulator, T0 } from './helpers';

type Row = Record<string, any> & { id: number };

describe('simulator knobs', () => {
  let sim: Simulator;
  let token: string;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    sim = await startTestSimulator();
    token = await getToken(sim);
    api = client(sim, token);
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.control.clock.set(T0 + 3_600_000);
    sim.control.clearFaults();
    sim.control.resetRequestLog();
    sim.control.setVisibilityLagMs(0);
    sim.control.concurrentEdits(undefined);
    sim.control.onListRequest(undefined);
  });

  it('logs requests with method, path, raw and parsed query, redacted headers and status', async () => {
    await fetch(`${sim.baseUrl}/api/invoices?updated_at[gt]=2026-11-01T00:00:00+07:00&limit=2`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await api.post('/departments', { name: 'Logged' });
    const [get, post] = sim.control.requests;
    expect(get).toMatchObject({
      seq: expect.any(Number),
      method: 'GET',
      path: '/api/invoices',
      rawQuery: 'updated_at[gt]=2026-11-01T00:00:00+07:00&limit=2',
      query: { 'updated_at[gt]': '2026-11-01T00:00:00 07:00', limit: '2' },
      status: 400,
      objectKey: 'invoices',
      timeMs: T0 + 3_600_000,
    });
    expect(get!.headers.authorization).toBe('Bearer <redacted>');
    expect(JSON.stringify(sim.control.requests)).not.toContain(token);
    expect(post).toMatchObject({ method: 'POST', path: '/api/departments', status: 201, body: { name: 'Logged' } });
    sim.control.resetRequestLog();
    expect(sim.control.requests).toHaveLength(0);
  });

  it('injects status faults, optionally filtered, with Retry-After when asked', async () => {
    sim.control.injectFaults([
      { kind: 'status', status: 503, count: 2 },
      { kind: 'status', status: 429, retryAfterSeconds: 7, method: 'POST', path: '/api/departments' },
    ]);
    expect((await api.get('/invoices?limit=1')).status).toBe(503);
    expect((await api.get('/suppliers?limit=1')).status).toBe(503);
    expect((await api.get('/invoices?limit=1')).status).toBe(200);
    const limited = await api.post('/departments', { name: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body).toEqual({ errors: { base: [expect.any(String)] } });
    expect((await api.post('/departments', { name: 'y' })).status).toBe(201);
    expect(sim.control.requests.map((r) => r.fault ?? null)).toEqual(['status', 'status', null, 'status', null]);
  });

  it('sends the simulator clock as the Date header', async () => {
    sim.control.clock.set(Date.UTC(2030, 0, 2, 3, 4, 5));
    expect((await api.get('/departments?limit=1')).headers.get('date')).toBe('Wed, 02 Jan 2030 03:04:05 GMT');
  });

  it('can answer a fault with a gateway page instead of JSON', async () => {
    sim.control.injectFaults([{ kind: 'status', status: 502, body: '<html><body>Bad Gateway</body></html>' }]);
    const reply = await fetch(`${sim.baseUrl}/api/invoices`, { headers: { authorization: `Bearer ${token}` } });
    expect(reply.status).toBe(502);
    expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await reply.text()).toContain('Bad Gateway');
  });

  it('resets connections without a response', async () => {
    sim.control.injectFaults([{ kind: 'reset' }]);
    await expect(fetch(`${sim.baseUrl}/api/invoices`, { headers: { authorization: `Bearer ${token}` } })).rejects.toThrow();
    expect((await api.get('/invoices?limit=1')).status).toBe(200);
    expect(sim.control.requests[0]).toMatchObject({ status: 0, fault: 'reset' });
  });

  it('faults the token endpoint when asked to', async () => {
    sim.control.injectFaults([{ kind: 'status', status: 500, path: '/oauth2' }]);
    await expect(getToken(sim)).rejects.toThrow(/500/);
    await expect(getToken(sim)).resolves.toEqual(expect.any(String));
  });

  it('delays responses (a client timeout test) and adds latency to every API request', async () => {
    sim.control.injectFaults([{ kind: 'delay', ms: 300 }]);
    const aborted = fetch(`${sim.baseUrl}/api/invoices?limit=1`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(30),
    });
    await expect(aborted).rejects.toThrow();
    sim.control.setLatencyMs(80);
    const started = performance.now();
    expect((await api.get('/departments?limit=1')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    sim.control.setLatencyMs(0);
  });

  it('limits each client to a burst of 20 refilled at 25/s by the simulator clock, then 429 with an errors body', async () => {
    sim.control.setRateLimit({ perSecond: 25, burst: 20 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 21; i++) statuses.push((await call(sim, token, 'GET', '/departments?limit=1&fields=["id"]')).status);
      expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
      expect(statuses[20]).toBe(429);
      const refused = await call(sim, token, 'GET', '/departments?limit=1');
      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({ errors: { base: [expect.stringContaining('Rate limit')] } });
      expect(refused.headers.get('retry-after')).toBeNull(); // Coupa documents none
      sim.control.clock.advance(40); // one token at 25/s
      expect((await call(sim, token, 'GET', '/departments?limit=1')).status).toBe(200);
      expect((await call(sim, token, 'GET', '/departments?limit=1')).status).toBe(429);
      sim.control.clock.advance(1_000);
      expect((await call(sim, token, 'GET', '/departments?limit=1')).status).toBe(200);
    } finally {
      sim.control.setRateLimit(false);
    }
  });

  it('sends Retry-After on rate-limit 429s when configured', async () => {
    const other = await startTestSimulator({ rateLimit: { perSecond: 1, burst: 1 }, rateLimitRetryAfter: true });
    try {
      const t = await getToken(other);
      expect((await call(other, t, 'GET', '/departments?limit=1')).status).toBe(200);
      const refused = await call(other, t, 'GET', '/departments?limit=1');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
    } finally {
      await other.close();
    }
  });

  it('edits records while a client pages with offset, so naive paging loses records', async () => {
    sim.control.concurrentEdits({ object: 'suppliers', everyNthListRequest: 1, count: 3 });
    const seen: number[] = [];
    for (let offset = 0; offset < 20; offset += 5) {
      const page = await api.get<Row[]>(`/suppliers?order_by=updated_at&limit=5&offset=${offset}&fields=["id"]`);
      seen.push(...ids(page.body));
    }
    sim.control.concurrentEdits(undefined);
    expect(new Set(seen).size).toBeLessThan(20);
    const versions = sim.control.history('suppliers').filter((v) => v.storedAtMs === T0 + 3_600_000);
    expect(versions).toHaveLength(12);
    expect(new Set(versions.map((v) => v.updatedAtMs))).toEqual(new Set([T0 + 3_600_000]));
  });

  it('calls a list hook before each list request', async () => {
    const calls: number[] = [];
    sim.control.onListRequest(({ objectKey, listRequestNumber, query }, control) => {
      calls.push(listRequestNumber);
      if (listRequestNumber === 2) control.update(objectKey, 1, { name: `Hooked ${String(query.limit)}` });
    });
    await api.get('/departments?limit=1');
    expect((await api.get<Row[]>('/departments?limit=3')).body[0]!.name).toBe('Hooked 3');
    expect(calls).toEqual([1, 2]);
  });

  it('hides versions from list queries until the commit lag has passed, then shows them with their original updated-at', async () => {
    const savedAt = T0 + 3_600_000;
    sim.control.setVisibilityLagMs(5_000);
    sim.control.update('users', 2, { firstname: 'Late' });
    const since = `updated_at[gt_or_eq]=${enc(new Date(savedAt).toISOString())}&fields=["id","firstname","updated_at"]`;
    expect(await api.get(`/users?${since}`)).toMatchObject({ status: 200, body: [] });
    expect((await api.get<Row>('/users/2')).body.firstname).not.toBe('Late');
    expect(sim.control.get('users', 2)!.firstname).toBe('Late'); // the truth has it
    expect(sim.control.history('users').at(-1)).toMatchObject({ id: 2, version: 2, updatedAtMs: savedAt, visibleAtMs: savedAt + 5_000 });

    sim.control.clock.advance(4_999);
    expect((await api.get<Row[]>(`/users?${since}`)).body).toEqual([]);
    sim.control.clock.advance(1);
    expect((await api.get<Row[]>(`/users?${since}`)).body).toEqual([
      { id: 2, firstname: 'Late', 'updated-at': '2026-11-20T05:00:00-08:00' },
    ]);

    sim.control.setVisibilityLagMs(0);
    sim.control.touch('users', [3], { visibleAfterMs: 2_000 });
    expect(ids((await api.get<Row[]>(`/users?${since}`)).body)).toEqual([2]);
    sim.control.clock.advance(2_000);
    expect(ids((await api.get<Row[]>(`/users?${since}`)).body).sort()).toEqual([2, 3]);
  });

  it('keeps a record created with lag out of reads (404) until it is visible', async () => {
    const created = sim.control.create('departments', { name: 'Lagging' }, { visibleAfterMs: 1_000 }) as Row;
    expect((await api.get(`/departments/${created.id}`)).status).toBe(404);
    expect(sim.control.get('departments', created.id)).toMatchObject({ name: 'Lagging' });
    sim.control.clock.advance(1_000);
    expect((await api.get<Row>(`/departments/${created.id}`)).body.name).toBe('Lagging');
  });

  it('stamps a mass update with one second for every record', async () => {
    const at = T0 + 3_600_000 + 500;
    sim.control.touch('items', [1, 2, 3, 4, 5, 6, 7, 8], { at });
    const rows = (await api.get<Row[]>(`/items?updated_at=${enc('2026-11-20T13:00:00Z')}&fields=["id","updated_at"]`)).body;
    expect(ids(rows).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(rows.map((r) => r['updated-at']))).toEqual(new Set(['2026-11-20T05:00:00-08:00']));
  });

  it('serves the control interface over HTTP under /__sim', async () => {
    const sim2 = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${sim.baseUrl}/__sim${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    expect(await sim2('GET', '/health')).toEqual({ status: 200, body: { ok: true } });
    expect((await sim2('GET', '/objects')).body).toHaveLength(25);
    expect(await sim2('POST', '/clock', { set: T0 + 7_200_000 })).toEqual({ status: 200, body: { now: T0 + 7_200_000, frozen: true } });
    expect((await sim2('POST', '/objects/departments/records', { data: { name: 'Via HTTP' } })).body).toMatchObject({
      name: 'Via HTTP',
      'updated-at': '2026-11-20T14:00:00Z',
    });
    expect((await sim2('PATCH', '/objects/departments/records/1', { patch: { name: 'Renamed' } })).body.name).toBe('Renamed');
    expect((await sim2('GET', '/objects/departments/records/1')).body.name).toBe('Renamed');
    expect((await sim2('GET', '/objects/departments/records')).body.length).toBeGreaterThanOrEqual(21);
    expect((await sim2('POST', '/objects/departments/touch', { ids: [2, 3] })).body).toEqual({ touched: 2 });
    expect((await sim2('GET', '/objects/departments/history')).body.at(-1)).toMatchObject({ id: 3, updatedAt: '2026-11-20T14:00:00Z' });
    await sim2('POST', '/faults', { faults: [{ kind: 'status', status: 502 }] });
    expect((await sim2('GET', '/faults')).body).toEqual([{ kind: 'status', status: 502, count: 1 }]);
    expect((await api.get('/departments')).status).toBe(502);
    expect((await sim2('GET', '/requests')).body.at(-1)).toMatchObject({ path: '/api/departments', status: 502 });
    await sim2('DELETE', '/requests');
    expect((await sim2('GET', '/requests')).body).toEqual([]);
    const code = (await sim2('POST', '/authorization-codes', { scopes: ['core.user.read'] })).body.code;
    expect(code).toEqual(expect.any(String));
    await sim2('POST', '/revoke-tokens');
    expect((await api.get('/departments')).status).toBe(401);
    token = await getToken(sim);
    api = client(sim, token);
    await sim2('POST', '/latency', { ms: 0 });
    await sim2('POST', '/visibility-lag', { ms: 0 });
    await sim2('POST', '/concurrent-edits', { object: 'departments', everyNthListRequest: 2, count: 1 });
    await sim2('DELETE', '/concurrent-edits');
    expect((await sim2('GET', '/nope')).status).toBe(404);
    expect((await sim2('GET', '/objects/nope/records')).status).toBe(400);
    // Requests to /__sim are not logged.
    expect(sim.control.requests.every((r) => !r.path.startsWith('/__sim'))).toBe(true);
  });
});

describe('simulator time zone and determinism', () => {
  it('renders timestamps in the instance zone with the offset of the instant, across DST', async () => {
    const beforeSpringForward = Date.UTC(2026, 2, 8, 9, 59, 59); // 01:59:59 PST
    const sim = await startTestSimulator({ now: () => beforeSpringForward });
    try {
      const api = client(sim, await getToken(sim));
      const created = await api.post<Row>('/departments', { name: 'DST' });
      expect(created.body['created-at']).toBe('2026-03-08T01:59:59-08:00');
      sim.control.clock.advance(1_000);
      const updated = await api.put<Row>(`/departments/${created.body.id}`, { name: 'DST 2' });
      expect(updated.body['updated-at']).toBe('2026-03-08T03:00:00-07:00');
      expect(updated.body['created-at']).toBe('2026-03-08T01:59:59-08:00');
      expect(sim.control.get('departments', created.body.id)!['updated-at']).toBe('2026-03-08T10:00:00Z');
    } finally {
      await sim.close();
    }
  });

  it('renders other zones too, e.g. Europe/Berlin in fall', async () => {
    const sim = await startTestSimulator({ now: () => Date.UTC(2026, 9, 25, 0, 59, 59), timeZone: 'Europe/Berlin' });
    try {
      const api = client(sim, await getToken(sim));
      const created = await api.post<Row>('/departments', { name: 'CEST' });
      expect(created.body['updated-at']).toBe('2026-10-25T02:59:59+02:00');
      sim.control.clock.advance(1_000);
      expect((await api.put<Row>(`/departments/${created.body.id}`, {})).body['updated-at']).toBe('2026-10-25T02:00:00+01:00');
    } finally {
      await sim.close();
    }
  });

  it('generates the same records from the same seed and clock, different ones from another seed', async () => {
    const [a, b, c] = await Promise.all([
      startTestSimulator({ seed: 7 }),
      startTestSimulator({ seed: 7 }),
      startTestSimulator({ seed: 8 }),
    ]);
    try {
      for (const key of ['invoices', 'users', 'purchase_order_lines', 'remit_to_addresses']) {
        expect(a.control.list(key)).toEqual(b.control.list(key));
        expect(a.control.history(key)).toEqual(b.control.history(key));
      }
      expect(a.control.list('invoices')).not.toEqual(c.control.list('invoices'));
      const query = '/invoices?order_by=status&fields=["id"]';
      const [ta, tb] = await Promise.all([getToken(a), getToken(b)]);
      expect((await call(a, ta, 'GET', query)).body).toEqual((await call(b, tb, 'GET', query)).body);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
