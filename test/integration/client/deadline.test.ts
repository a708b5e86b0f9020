// Deadline-aware calls over real HTTP: with `deadlineMs`, the client cuts each attempt to the time
// left, makes no retry that could not end before the deadline, and sends nothing when too little time
// is left, failing with the retryable error of its last failure (Coupa.UnknownOutcome for a write cut
// off after it was sent). Asserted by error names and attempt counts, never by elapsed time.
import { getObject } from '../../../shared/catalog';
import { CoupaRecordSource } from '../../../shared/changes';
import { type CoupaError, withDeadline } from '../../../shared/coupa';
import { apiCalls, useSimulator } from './harness';

const h = useSimulator();

async function failure(promise: Promise<unknown>): Promise<CoupaError> {
  try {
    await promise;
  } catch (error) {
    return error as CoupaError;
  }
  throw new Error('expected the call to fail');
}

/** A client whose token is already fetched, so the request log below holds API calls only. */
async function warmClient(overrides: Parameters<typeof h.client>[0] = {}) {
  const client = h.client(overrides);
  await client.list('suppliers', { limit: 1 });
  h.sim.control.resetRequestLog();
  return client;
}

const inSeconds = (s: number) => Date.now() + s * 1000;

describe('a call with a deadline', () => {
  it('without a deadline, a 503 asking for 2 s is slept and retried (the baseline)', async () => {
    const client = await warmClient();
    h.sim.control.injectFaults([{ kind: 'status', status: 503, retryAfterSeconds: 2 }]);
    await client.list('suppliers', { limit: 1 });
    expect(apiCalls(h.sim)).toEqual([
      ['GET', 503],
      ['GET', 200],
    ]);
  });

  it('a 503 asking for longer than the time left fails at once as Coupa.Transient, after one attempt', async () => {
    const client = await warmClient();
    h.sim.control.injectFaults([{ kind: 'status', status: 503, retryAfterSeconds: 5 }]);
    const error = await failure(client.list('suppliers', { limit: 1 }, { deadlineMs: inSeconds(3) }));
    expect(error.name).toBe('Coupa.Transient');
    expect(error).toMatchObject({ status: 503, attempts: 1, retryAfterMs: 5_000 });
    expect(error.message).toMatch(/retries stopped early: the caller's deadline was near/);
    expect(apiCalls(h.sim)).toEqual([['GET', 503]]);
  });

  it('a 429 asking for longer than the time left fails as Coupa.RateLimited, GET and POST alike', async () => {
    const client = await warmClient();
    h.sim.control.injectFaults([{ kind: 'status', status: 429, retryAfterSeconds: 5, count: 2 }]);
    const get = await failure(client.list('suppliers', { limit: 1 }, { deadlineMs: inSeconds(3) }));
    const post = await failure(client.create('suppliers', { name: 'Never Sent Twice Ltd' }, { deadlineMs: inSeconds(3) }));
    for (const error of [get, post]) {
      expect(error.name).toBe('Coupa.RateLimited');
      expect(error).toMatchObject({ status: 429, attempts: 1, retryAfterMs: 5_000 });
    }
    expect(apiCalls(h.sim)).toEqual([
      ['GET', 429],
      ['POST', 429],
    ]);
  });

  it('backoff retries go on while they fit and stop when the next would not (attempts counted, not time)', async () => {
    // Backoff 1 s, 2 s, 4 s (no jitter); each retry needs its backoff plus 1 s before the deadline.
    const client = await warmClient({ retry: { limit: 5, backoffBaseMs: 1_000, backoffLimitMs: 10_000, jitter: false } });
    h.sim.control.injectFaults([{ kind: 'status', status: 502, count: 5 }]);
    const error = await failure(client.get('suppliers', 1, { deadlineMs: inSeconds(6) }));
    expect(error.name).toBe('Coupa.Transient');
    // Attempts at ~0 s, ~1 s and ~3 s: the retries after 1 s and 2 s fit (by 2 s each: 0 + 1 + 1 and
    // 1 + 2 + 1 are under 6), one after another 4 s would not (3 + 4 + 1 is 2 s over): slow attempts on a
    // loaded machine have 2 s either way.
    expect(error).toMatchObject({ status: 502, attempts: 3 });
    expect(apiCalls(h.sim)).toEqual([
      ['GET', 502],
      ['GET', 502],
      ['GET', 502],
    ]);
  });

  it('an attempt is cut to the time left: a slow GET fails as Coupa.Transient without a retry', async () => {
    const client = await warmClient(); // its own timeout is 5 s per attempt
    h.sim.control.injectFaults([{ kind: 'delay', ms: 3_000 }]);
    const error = await failure(client.get('suppliers', 2, { deadlineMs: inSeconds(1.5) }));
    expect(error.name).toBe('Coupa.Transient');
    expect(error.attempts).toBe(1);
    expect(error.message).toMatch(/did not answer GET \/api\/suppliers\/2 within \d+ ms, the time left before the caller's deadline/);
  });

  it('a POST cut off after it was sent fails as Coupa.UnknownOutcome and is not resent', async () => {
    const client = await warmClient();
    const name = `Cut Off Partners ${Date.now()}`;
    h.sim.control.injectFaults([{ kind: 'delay', ms: 2_500, method: 'POST' }]);
    const error = await failure(client.create('suppliers', { name }, { deadlineMs: inSeconds(1.5) }));
    expect(error.name).toBe('Coupa.UnknownOutcome');
    expect(error.attempts).toBe(1);
    expect(error.message).toMatch(/the outcome is unknown/);
    // It reached Coupa (whether Coupa applied it is what nobody knows), once.
    expect(h.sim.control.requests.filter((r) => r.method === 'POST' && r.path === '/api/suppliers')).toHaveLength(1);
  });

  it('with less than a second left nothing is sent: Coupa.Transient, even for a POST (it never reached Coupa)', async () => {
    const client = await warmClient();
    const error = await failure(client.create('suppliers', { name: 'Too Late Ltd' }, { deadlineMs: Date.now() + 500 }));
    expect(error.name).toBe('Coupa.Transient');
    expect(error.message).toMatch(/was not sent: less than 1000 ms were left before the caller's deadline/);
    expect(apiCalls(h.sim)).toEqual([]);
  });

  it('withDeadline gives every call of a client the same deadline; an earlier one of the call wins', async () => {
    const client = withDeadline(await warmClient(), inSeconds(60));
    await expect(client.get('suppliers', 1)).resolves.toMatchObject({ id: 1 });
    const error = await failure(client.update('suppliers', 1, { 'display-name': 'x' }, { deadlineMs: Date.now() }));
    expect(error.name).toBe('Coupa.Transient');
    const patient = withDeadline(await warmClient({ retry: { limit: 5, maxRetryAfterMs: 300_000 } }), inSeconds(30));
    h.sim.control.injectFaults([{ kind: 'status', status: 503, retryAfterSeconds: 120 }]);
    // Within the client's maxRetryAfterMs but not within the view's deadline: not slept.
    const list = await failure(patient.list('suppliers', { limit: 1 }));
    expect(list).toMatchObject({ name: 'Coupa.Transient', attempts: 1, retryAfterMs: 120_000 });
  });
});

describe("the poller's page requests", () => {
  it('carry the run’s request deadline: a page facing a long Retry-After fails at once as Coupa.Transient', async () => {
    const client = await warmClient();
    const source = new CoupaRecordSource(client, { object: getObject('suppliers'), returnType: 'limited' });
    h.sim.control.injectFaults([{ kind: 'status', status: 503, retryAfterSeconds: 5 }]);
    const request = { kind: 'range', fromMs: 0, toMs: Date.now() } as const;
    const error = await failure(source.fetchPage(request, { deadlineMs: inSeconds(3) }));
    expect(error).toMatchObject({ name: 'Coupa.Transient', attempts: 1 });
    // Without one, the wait is slept and the page comes back.
    h.sim.control.injectFaults([{ kind: 'status', status: 503, retryAfterSeconds: 1 }]);
    await expect(source.fetchPage(request)).resolves.toMatchObject({ records: expect.any(Array) });
  });
});
