import Ajv from 'ajv';
import { getObject } from '../../../shared/catalog';
import { detailSchemaOf } from '../../../shared/events';
import { duplicatesIn, latestVersions, pollHarness, truthSince } from '../../support/poll-harness';
import { startSimulator, type Simulator } from '../../../shared/simulator';

// Every test freezes the simulator clock and moves it by hand: no sleeps, and the horizon is exact.
// The rate limiter runs on that clock, so it is off here (rate limiting has its own test below).
const T0 = Date.UTC(2026, 10, 27, 8, 0, 0);
const EPOCH = Date.UTC(2026, 0, 1);
let sim: Simulator;

afterEach(async () => {
  await sim?.close();
});

async function frozenSimulator(records: Record<string, number>, extra: Parameters<typeof startSimulator>[0] = {}) {
  sim = await startSimulator({ seed: 7, records, rateLimit: false, now: () => T0, ...extra });
  sim.control.clock.set(T0);
  return sim;
}

const sorted = (values: Iterable<string>) => [...values].sort();

describe('poller against the Coupa simulator', () => {
  it('backfills 1,000 invoices: every version once, few requests per page, events valid against their schema', async () => {
    await frozenSimulator({ invoices: 1000 });
    const h = pollHarness(sim, { object: 'invoices', sinceMs: EPOCH });
    const result = await h.poll();
    const published = h.publisher.versions();
    expect(duplicatesIn(published)).toEqual([]);
    expect(sorted(published)).toEqual(sorted(truthSince(sim, 'invoices', EPOCH)));
    // Generated data has mass-update seconds shared by many rows, each read once more by id.
    expect(result.requests).toBeLessThanOrEqual(Math.ceil((1000 / 50) * 1.5));
    expect(result.checkpointWrites).toBeLessThanOrEqual(1000 / 50);
    // Events are published in whole batches of 10 across pages, so at most one partial batch per checkpoint.
    expect(h.publisher.calls).toBeLessThanOrEqual(1000 / 10 + result.checkpointWrites);
    const ajv = new Ajv({ strict: false });
    const invoices = getObject('invoices');
    const validators = {
      created: ajv.compile(detailSchemaOf(invoices, 'created')),
      updated: ajv.compile(detailSchemaOf(invoices, 'updated')),
    };
    for (const entry of h.publisher.entries) {
      const detail = JSON.parse(entry.Detail);
      expect(entry.DetailType).toBe(`Coupa Invoice ${detail.metadata.change === 'created' ? 'Created' : 'Updated'}`);
      expect(validators[detail.metadata.change as 'created' | 'updated'](detail)).toBe(true);
    }
  }, 90_000); // 1,000 records through the real poller: ~10 s alone, far more on a loaded 2-core machine

  it('pages through a mass update of 130 records stamped with one second, ties in no particular order', async () => {
    await frozenSimulator({ suppliers: 300 });
    const h = pollHarness(sim, { object: 'suppliers', sinceMs: EPOCH });
    await h.poll();
    const ids = Array.from({ length: 130 }, (_, i) => i * 2 + 1);
    sim.control.touch('suppliers', ids, { at: T0 + 1000 });
    sim.control.clock.set(T0 + 5000);
    const before = h.publisher.entries.length;
    const result = await h.poll();
    const fresh = h.publisher.versions().slice(before);
    expect(sorted(fresh)).toEqual(sorted(ids.map((id) => `${id}@${T0 + 1000}`)));
    // One range page finds the tie, the second is then read by id (3 pages), one range page confirms the
    // end; a backlog may also be split into a second lane, which asks once more.
    expect(result.requests).toBeLessThanOrEqual(Math.ceil(130 / 50) + 4);
    expect(duplicatesIn(h.publisher.versions())).toEqual([]);
  });

  it('keeps records edited while it pages: nothing lost, nothing twice', async () => {
    await frozenSimulator({ users: 600 });
    const h = pollHarness(sim, { object: 'users', sinceMs: EPOCH });
    let clock = T0;
    sim.control.onListRequest(async ({ listRequestNumber }, control) => {
      // Every other page: three records are edited (they jump to the end) and time moves on.
      if (listRequestNumber % 2 === 0) {
        clock += 1000;
        control.clock.set(clock);
        const ids = control
          .history('users')
          .slice(0, 600)
          .map((v) => v.id);
        for (const id of [
          ids[(listRequestNumber * 7) % 600]!,
          ids[(listRequestNumber * 13) % 600]!,
          ids[(listRequestNumber * 31) % 600]!,
        ]) {
          control.update('users', id, { 'custom-fields': { 'cf-erp-number': `E-${listRequestNumber}-${id}` } });
        }
      }
    });
    await h.poll();
    sim.control.onListRequest(undefined);
    sim.control.clock.set(clock + 5000);
    await h.poll();
    const published = h.publisher.versions();
    expect(duplicatesIn(published)).toEqual([]);
    const have = new Set(published);
    expect(sorted([...latestVersions(sim, 'users', EPOCH)].filter((v) => !have.has(v)))).toEqual([]);
    expect(sorted(published.filter((v) => !truthSince(sim, 'users', EPOCH).has(v)))).toEqual([]);
  });

  it('waits for records that become visible late, within lagSeconds, and then publishes them once', async () => {
    await frozenSimulator({ departments: 40 });
    const h = pollHarness(sim, { object: 'departments', sinceMs: EPOCH, lagSeconds: 30 });
    await h.poll();
    sim.control.setVisibilityLagMs(20_000);
    sim.control.update('departments', 3, { name: 'Late A' }, { at: T0 + 1000 });
    sim.control.update('departments', 4, { name: 'Late B' }, { at: T0 + 2000 });
    sim.control.clock.set(T0 + 10_000); // saved, not yet visible
    await h.poll();
    expect(h.publisher.versions()).not.toContain(`3@${T0 + 1000}`);
    sim.control.clock.set(T0 + 40_000); // visible, and outside the lag window
    await h.poll();
    sim.control.clock.set(T0 + 90_000);
    await h.poll();
    const published = h.publisher.versions();
    expect(published.filter((v) => v === `3@${T0 + 1000}` || v === `4@${T0 + 2000}`)).toHaveLength(2);
    expect(duplicatesIn(published)).toEqual([]);
  });

  it('compares instants across a daylight-saving change (offsets -07:00 then -08:00)', async () => {
    const fallBack = Date.UTC(2026, 10, 1, 8, 30); // 01:30 PDT; an hour later clocks read 01:30 again (PST)
    sim = await startSimulator({ seed: 3, records: { items: 10 }, rateLimit: false, now: () => fallBack - 7_200_000 });
    sim.control.clock.set(fallBack - 7_200_000);
    const h = pollHarness(sim, { object: 'items', sinceMs: EPOCH });
    await h.poll();
    sim.control.update('items', 1, { name: 'PDT' }, { at: fallBack });
    sim.control.update('items', 2, { name: 'PST' }, { at: fallBack + 3_600_000 });
    sim.control.clock.set(fallBack + 3_700_000);
    const rendered = (await h.client.get<{ 'updated-at': string }>('items', 2))['updated-at'];
    expect(rendered).toMatch(/-08:00$/);
    expect((await h.client.get<{ 'updated-at': string }>('items', 1))['updated-at']).toMatch(/-07:00$/);
    await h.poll();
    const tail = h.publisher.versions().slice(-2);
    expect(tail).toEqual([`1@${fallBack}`, `2@${fallBack + 3_600_000}`]);
  });

  it('survives 429s (with and without Retry-After), 5xx, resets and token revocation mid-run', async () => {
    await frozenSimulator({ expense_reports: 400 });
    const h = pollHarness(sim, { object: 'expense_reports', sinceMs: EPOCH });
    sim.control.injectFaults([
      { kind: 'status', status: 429, path: '/api/expense_reports' },
      { kind: 'status', status: 503, path: '/api/expense_reports' },
      { kind: 'reset', path: '/api/expense_reports' },
      { kind: 'status', status: 429, retryAfterSeconds: 0, path: '/api/expense_reports' },
      { kind: 'status', status: 502, path: '/api/expense_reports', count: 2 },
    ]);
    let pages = 0;
    sim.control.onListRequest(({ listRequestNumber }, control) => {
      if (++pages === 4) control.revokeTokens();
      return listRequestNumber > 0 ? undefined : undefined;
    });
    await h.poll();
    expect(sim.control.pendingFaults()).toEqual([]);
    expect(sorted(h.publisher.versions())).toEqual(sorted(truthSince(sim, 'expense_reports', EPOCH)));
  });

  it('loses nothing when a run is killed mid-page and restarted', async () => {
    await frozenSimulator({ contracts: 500 });
    const h = pollHarness(sim, { object: 'contracts', sinceMs: EPOCH });
    h.publisher.failAfter = 237;
    await expect(h.poll()).rejects.toThrow('killed mid-page');
    await h.poll();
    const published = h.publisher.versions();
    expect(sorted(new Set(published))).toEqual(sorted(truthSince(sim, 'contracts', EPOCH)));
    // Re-published at most what was past the last checkpoint: consumers dedupe those by idempotencyKey.
    expect(published.length - new Set(published).size).toBeLessThanOrEqual(100);
  });

  it('stops a long backfill at its deadline, then continues where it stopped', async () => {
    await frozenSimulator({ accounts: 700 });
    const h = pollHarness(sim, { object: 'accounts', sinceMs: EPOCH });
    let requests = 0;
    sim.control.onListRequest(() => {
      requests++;
    });
    // The local clock passes the deadline after the third page.
    const first = await h.poll({ stopAtMs: T0 + 1, now: () => (requests >= 3 ? T0 + 2 : T0) });
    // Requests already in flight land and are published; no new one starts.
    expect(first.stoppedBy).toBe('deadline');
    expect(first.requests).toBeLessThan(700 / 50);
    const second = await h.poll();
    expect(second.stoppedBy).toBe('caught-up');
    expect(duplicatesIn(h.publisher.versions())).toEqual([]);
    expect(sorted(h.publisher.versions())).toEqual(sorted(truthSince(sim, 'accounts', EPOCH)));
  });

  it('publishes on the first run although Coupa’s clock runs minutes ahead of ours', async () => {
    await frozenSimulator({ departments: 30 });
    const h = pollHarness(sim, { object: 'departments', sinceMs: EPOCH, lagSeconds: 60 });
    // A change 100 s ago by Coupa's clock: settled for Coupa (lag 60 s), in the future for our clock.
    sim.control.update('departments', 5, { name: 'Recent' }, { at: T0 - 100_000 });
    const localNow = () => T0 - 180_000; // our clock is 3 minutes behind Coupa's
    const result = await h.poll({ now: localNow });
    expect(result.published).toBe(truthSince(sim, 'departments', EPOCH).size - 1); // the superseded version of 5 is gone
    expect(h.publisher.versions()).toContain(`5@${T0 - 100_000}`);
    // Nothing newer than Coupa's clock minus the lag went out.
    expect(h.publisher.entries.every((e) => Date.parse(e.Time) < T0 - 60_000)).toBe(true);
  });

  it('refuses a second run for the same object while one is running', async () => {
    await frozenSimulator({ items: 60 });
    const h = pollHarness(sim, { object: 'items', sinceMs: EPOCH });
    let second: Promise<unknown> | undefined;
    sim.control.onListRequest(() => {
      // Started while the first run is mid-page; its outcome is captured at once.
      second ??= h.poll({ runId: 'intruder' }).then(
        () => 'ran',
        (error: Error) => error.name,
      );
    });
    const first = await h.poll({ runId: 'first' });
    expect(await second).toBe('CheckpointConflict');
    expect(first.published).toBe(60);
    expect(duplicatesIn(h.publisher.versions())).toEqual([]);
  });

  it('keeps to the rate limit with the real clock: 429s are waited out, nothing lost', async () => {
    // Stricter than Coupa's 25/s, so that the poller's own cap (10/s) is not enough and 429s happen.
    sim = await startSimulator({ seed: 11, records: { lookup_values: 1000 }, rateLimit: { perSecond: 8, burst: 2 } });
    const h = pollHarness(sim, {
      object: 'lookup_values',
      sinceMs: EPOCH,
      lagSeconds: 0,
      maxRequestsPerSecond: 10,
      client: { retry: { limit: 8, backoffBaseMs: 100, backoffLimitMs: 1000 } },
    });
    await h.poll();
    expect(sim.control.requests.some((r) => r.status === 429)).toBe(true);
    expect(sorted(new Set(h.publisher.versions()))).toEqual(sorted(truthSince(sim, 'lookup_values', EPOCH)));
    expect(duplicatesIn(h.publisher.versions())).toEqual([]);
  });
});
