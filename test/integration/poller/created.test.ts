import type { EventMetadata } from '../../../shared/events';
import { startSimulator, type Simulator } from '../../../shared/simulator';
import { pollHarness } from '../../support/poll-harness';

// The simulator clock is frozen and moved by hand, as in hazards.test.ts.
const T0 = Date.UTC(2026, 10, 27, 8, 0, 0);
const EPOCH = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
let sim: Simulator;

afterEach(async () => {
  await sim?.close();
});

async function frozenSimulator(records: Record<string, number>) {
  sim = await startSimulator({ seed: 5, records, rateLimit: false, now: () => T0 });
  sim.control.clock.set(T0);
  return sim;
}

interface Seen {
  readonly detailType: string;
  readonly metadata: EventMetadata;
  readonly data?: Record<string, unknown>;
}
const seen = (entries: readonly { DetailType: string; Detail: string }[]): Seen[] =>
  entries.map((e) => ({ detailType: e.DetailType, ...(JSON.parse(e.Detail) as Omit<Seen, 'detailType'>) }));

/** Each record's first published event, and the records announced Created (with repeats). */
function announcements(events: readonly Seen[]) {
  const first = new Map<number, Seen>();
  for (const e of events) if (!first.has(e.metadata.recordId)) first.set(e.metadata.recordId, e);
  const created = events.filter((e) => e.metadata.change === 'created');
  return { first, created, createdIds: created.map((e) => e.metadata.recordId).sort((a, b) => a - b) };
}

describe('Created: the first version published of a record created after the window start', () => {
  it('create, edit, then poll: one Created carrying the edited data; later versions are Updated', async () => {
    await frozenSimulator({ departments: 20 });
    const h = pollHarness(sim, { object: 'departments', sinceMs: EPOCH });
    await h.poll();
    const before = h.publisher.entries.length;

    sim.control.clock.set(T0 + 1000);
    const { id } = sim.control.create('departments', { name: 'Draft' }) as { id: number };
    sim.control.clock.set(T0 + 4000);
    sim.control.update('departments', id, { name: 'Final' });
    sim.control.clock.set(T0 + 10_000);
    await h.poll();
    sim.control.clock.set(T0 + 20_000);
    sim.control.update('departments', id, { name: 'Renamed' });
    sim.control.clock.set(T0 + 30_000);
    await h.poll();

    const mine = seen(h.publisher.entries.slice(before)).filter((e) => e.metadata.recordId === id);
    expect(mine.map((e) => [e.detailType, e.metadata.change, e.data?.name, e.metadata.updatedAt])).toEqual([
      ['Coupa Department Created', 'created', 'Final', '2026-11-27T08:00:04Z'],
      ['Coupa Department Updated', 'updated', 'Renamed', '2026-11-27T08:00:20Z'],
    ]);
    // The idempotency key stays one per record version.
    expect(mine[0]!.metadata.idempotencyKey).toBe(`sim:departments:${id}:2026-11-27T08:00:04Z`);
  });

  it('a backfill over several runs, in lanes, announces every record created since the window start once, as its first event', async () => {
    await frozenSimulator({ invoices: 600 });
    sim.control.clock.set(T0 + 10_000);
    // Generated invoices were created in the last 60 days and most were edited since: a window start 30
    // days back splits them.
    const sinceMs = T0 - 30 * DAY;
    const h = pollHarness(sim, { object: 'invoices', sinceMs, concurrency: 3 });
    let requests = 0;
    sim.control.onListRequest(() => {
      requests++;
    });
    let runs = 0;
    for (;;) {
      // Each run's clock passes its deadline after three pages, as a Lambda's would.
      const startedAt = requests;
      const result = await h.poll({ stopAtMs: T0 + 10_001, now: () => (requests - startedAt >= 3 ? T0 + 10_002 : T0 + 10_000) });
      runs++;
      if (result.stoppedBy === 'caught-up') break;
    }
    expect(runs).toBeGreaterThan(3);

    const events = seen(h.publisher.entries);
    const { first, created, createdIds } = announcements(events);
    const latest = new Map(sim.control.history('invoices').map((v) => [v.id, v]));
    const newSince = [...latest.values()].filter((v) => v.createdAtMs >= sinceMs && v.updatedAtMs >= sinceMs).map((v) => v.id);
    expect(newSince.length).toBeGreaterThan(100);
    expect(latest.size - newSince.length).toBeGreaterThan(100); // and older ones, edited in the window
    expect(createdIds).toEqual(newSince.sort((a, b) => a - b));
    for (const e of created) expect(first.get(e.metadata.recordId)).toBe(e);
    // Many of them were edited after they were created: announced with their edited version.
    expect(created.filter((e) => Date.parse(e.metadata.updatedAt) !== Date.parse(String(e.data?.['created-at']))).length).toBeGreaterThan(
      50,
    );
    for (const e of events) expect(e.detailType).toBe(`Coupa Invoice ${e.metadata.change === 'created' ? 'Created' : 'Updated'}`);
  });

  it('a run killed after publishing, then run again, announces each record once (after deduping on idempotencyKey)', async () => {
    await frozenSimulator({ contracts: 300 });
    sim.control.clock.set(T0 + 10_000);
    const h = pollHarness(sim, { object: 'contracts', sinceMs: EPOCH });
    h.publisher.failAfter = 137;
    await expect(h.poll()).rejects.toThrow('killed mid-page');
    await h.poll();
    const { created } = announcements(seen(h.publisher.entries));
    const byKey = new Map(created.map((e) => [e.metadata.idempotencyKey, e.metadata.recordId]));
    // A re-published version may be Created again (same key); no record is Created under two keys.
    expect([...byKey.values()].sort((a, b) => a - b)).toEqual(
      sim.control
        .list('contracts')
        .map((r) => r.id as number)
        .sort((a, b) => a - b),
    );
  });
});
