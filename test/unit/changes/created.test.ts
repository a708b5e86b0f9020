import { getObject } from '../../../shared/catalog';
import { CreatedRule, mayHaveBeenPublished, queriedAfterRun } from '../../../shared/changes/created';
import { MAX_QUERIED_SPANS, parseCursor, type Cursor } from '../../../shared/changes/cursor';
import { PAGE_SIZE, type PageRequest } from '../../../shared/changes/plan';
import {
  type Checkpoint,
  CheckpointConflictError,
  type CheckpointStore,
  type EventPublisher,
  type RecordPage,
  type RecordSource,
} from '../../../shared/changes/ports';
import { runPoll } from '../../../shared/changes/run-poll';
import type { CoupaEventEntry, EventMetadata } from '../../../shared/events';
import { ModelCoupa, rng } from './model-coupa';

const START = Date.UTC(2026, 10, 27, 8, 0, 0);
const s = (seconds: number) => START + seconds * 1000;
const iso = (ms: number) => new Date(ms).toISOString();
const cursorAt = (watermarkMs: number, extra: Partial<Cursor> = {}): Cursor => ({ version: 1, watermarkMs, doneIds: [], ...extra });
const version = (id: number, createdMs: number | undefined, updatedMs: number) => ({
  id,
  updatedAtMs: updatedMs,
  record: { id, 'updated-at': iso(updatedMs), ...(createdMs === undefined ? {} : { 'created-at': iso(createdMs) }) },
});

describe('Created: the first published version of a new record', () => {
  it('calls a record created after the cursor it started from Created, once per run, even if it was edited since', () => {
    const rule = new CreatedRule(cursorAt(s(0), { doneIds: [4] }));
    expect(rule.changeOf(version(1, s(5), s(9)))).toBe('created'); // created, then edited before the poll
    expect(rule.changeOf(version(1, s(5), s(12)))).toBe('updated'); // seen again in the same run
    expect(rule.changeOf(version(2, s(-10), s(9)))).toBe('updated'); // created before the window start
    expect(rule.changeOf(version(3, s(0), s(3)))).toBe('created'); // in the watermark second, not yet published
    expect(rule.changeOf(version(4, s(0), s(3)))).toBe('updated'); // in the watermark second, published
    expect(rule.changeOf(version(5, undefined, s(3)))).toBe('updated'); // no created-at: nothing to go by
  });

  it('reads created-at as an instant, whatever its UTC offset', () => {
    const rule = new CreatedRule(cursorAt(Date.UTC(2026, 2, 8, 10, 0, 0)));
    // 01:59:59 PST is 09:59:59Z, before the watermark; 03:00:00 PDT is 10:00:00Z, at it.
    const at = (id: number, created: string) => ({ id, updatedAtMs: Date.UTC(2026, 2, 8, 11), record: { id, 'created-at': created } });
    expect(rule.changeOf(at(1, '2026-03-08T01:59:59-08:00'))).toBe('updated');
    expect(rule.changeOf(at(2, '2026-03-08T03:00:00-07:00'))).toBe('created');
  });

  it('calls a record created in time an earlier run covered Created when it was edited before that run queried', () => {
    // A backfill from s(0) reached s(100) in a run whose queries saw every version saved before s(500).
    const cursor = cursorAt(s(100), { queried: [{ fromMs: s(0), horizonMs: s(500) }] });
    expect(mayHaveBeenPublished(cursor, 1, s(10), s(200))).toBe(false); // edited at s(200): the run saw that
    expect(mayHaveBeenPublished(cursor, 1, s(10), s(499))).toBe(false); // saved within s(499)..s(500)
    expect(mayHaveBeenPublished(cursor, 1, s(10), s(500))).toBe(true); // may have been edited after the query
    expect(mayHaveBeenPublished(cursor, 1, s(-10), s(200))).toBe(true); // before the window start: unknown
    expect(mayHaveBeenPublished(cursor, 1, s(150), s(600))).toBe(false); // in time nobody covered yet
    // A cursor from before `queried` existed knows only its watermark.
    expect(mayHaveBeenPublished(cursorAt(s(100)), 1, s(10), s(200))).toBe(true);
  });

  it('records a run’s horizon over each lane’s range, keeping earlier horizons for what was covered before', () => {
    const start: Cursor = {
      version: 1,
      watermarkMs: s(10),
      doneIds: [5], // second 10 is partly published: it keeps its earlier horizon
      endMs: s(50),
      lanes: [
        { watermarkMs: s(60), doneIds: [], endMs: s(80) },
        { watermarkMs: s(90), doneIds: [] },
      ],
      queried: [{ fromMs: s(0), horizonMs: s(1000) }],
    };
    expect(queriedAfterRun(start, s(2000))).toEqual([
      { fromMs: s(0), horizonMs: s(1000) },
      { fromMs: s(11), horizonMs: s(2000) },
      { fromMs: s(50), horizonMs: s(1000) },
      { fromMs: s(60), horizonMs: s(2000) },
      { fromMs: s(80), horizonMs: s(1000) },
      { fromMs: s(90), horizonMs: s(2000) },
    ]);
    expect(() => parseCursor({ ...start, queried: queriedAfterRun(start, s(2000)) })).not.toThrow();
  });

  it('keeps a bounded number of spans, the oldest merged under the lower horizon (never a later one)', () => {
    let cursor = cursorAt(s(0));
    const firstHorizon: number[] = []; // per covered 10 s step: the horizon of the run that first queried it
    for (let run = 0; run < 100; run++) {
      cursor = { ...cursorAt(s(10 * (run + 1))), queried: queriedAfterRun(cursor, s(1000 + 10 * run)) };
      firstHorizon.push(s(1000 + 10 * run));
    }
    expect(parseCursor(cursor).queried!.length).toBeLessThanOrEqual(MAX_QUERIED_SPANS);
    expect(cursor.queried![0]).toEqual({ fromMs: s(0), horizonMs: s(1000) });
    const spans = cursor.queried!;
    firstHorizon.forEach((horizon, step) => {
      const at = spans.filter((span) => span.fromMs <= s(10 * step)).at(-1)!;
      expect(at.horizonMs).toBeLessThanOrEqual(horizon);
    });
    // The most recent runs keep their own horizon.
    expect(spans.at(-2)).toEqual({ fromMs: s(980), horizonMs: s(1980) });
  });
});

/**
 * Checkpoints in memory. `stalePeek` lets `peek` answer with any earlier state (none included), as an
 * eventually consistent read may: the poller must publish only from what `acquire` returns.
 */
class MemoryCheckpoints implements CheckpointStore {
  checkpoint?: Checkpoint;
  private owner?: string;
  private readonly history: (Checkpoint | undefined)[] = [undefined];
  stalePeeks = 0;

  constructor(private readonly stalePeek?: () => number | undefined) {}

  async acquire(_key: string, owner: string): Promise<Checkpoint | undefined> {
    if (this.owner !== undefined && this.owner !== owner) throw new CheckpointConflictError(`held by ${this.owner}`);
    this.owner = owner;
    return this.checkpoint;
  }

  async save(_key: string, owner: string, cursor: Cursor, expectedVersion: number): Promise<number> {
    if (owner !== this.owner || expectedVersion !== (this.checkpoint?.version ?? 0)) throw new CheckpointConflictError('lost');
    this.checkpoint = { cursor: parseCursor(JSON.parse(JSON.stringify(cursor))), version: expectedVersion + 1 };
    this.history.push(this.checkpoint);
    return expectedVersion + 1;
  }

  async release(_key: string, owner: string): Promise<void> {
    if (this.owner === owner) this.owner = undefined;
  }

  async peek(): Promise<Checkpoint | undefined> {
    const back = this.stalePeek?.();
    if (back === undefined || back === 0 || this.history.length < 2) return this.checkpoint;
    this.stalePeeks++;
    return this.history[Math.max(0, this.history.length - 1 - back)];
  }

  async advance(_key: string, cursor: Cursor, expectedVersion: number): Promise<number> {
    if (this.owner !== undefined || expectedVersion !== (this.checkpoint?.version ?? 0)) throw new CheckpointConflictError('lost');
    this.checkpoint = { cursor: parseCursor(JSON.parse(JSON.stringify(cursor))), version: expectedVersion + 1 };
    this.history.push(this.checkpoint);
    return expectedVersion + 1;
  }
}

interface Published {
  readonly id: number;
  readonly updatedAtMs: number;
  readonly change: string;
  readonly detailType: string;
  readonly run: number;
}

/**
 * Does the cursor vouch for any version at second `ts`? Per lane: [previous end, watermark), and the
 * watermark second once some of its ids are published (the poller's spans are whole seconds).
 */
function coversSecond(cursor: Cursor, ts: number): boolean {
  let start = Number.NEGATIVE_INFINITY;
  for (const lane of [cursor, ...(cursor.lanes ?? [])]) {
    if (ts >= start && ts < lane.watermarkMs) return true;
    if (ts === lane.watermarkMs && (lane.doneIds.length > 0 || lane.afterId !== undefined)) return true;
    start = lane.endMs ?? Number.POSITIVE_INFINITY;
  }
  return false;
}

/**
 * runPoll itself against the model: pages answer after a random number of turns (lanes land in any
 * order), Coupa may change before any page is answered, its Date header has whole seconds, and our clock
 * runs `skewMs` behind Coupa's.
 */
function modelDeps(
  coupa: ModelCoupa,
  r: ReturnType<typeof rng>,
  skewMs: number,
  mutate: () => void,
  run: () => number,
  stalePeek?: () => number | undefined,
) {
  const published: Published[] = [];
  const records: RecordSource = {
    async fetchPage(request: PageRequest): Promise<RecordPage> {
      for (let i = r.int(4); i > 0; i--) await Promise.resolve();
      if (r.int(3) === 0) mutate();
      const rows = coupa.query(request, PAGE_SIZE);
      return {
        records: rows.map((v) => ({ id: v.id, 'created-at': iso(coupa.createdAt(v.id)), 'updated-at': iso(v.updatedAtMs) })),
        serverTimeMs: Math.floor(coupa.nowMs / 1000) * 1000,
      };
    },
  };
  const publisher: EventPublisher = {
    async publish(entries: readonly CoupaEventEntry[]) {
      for (const e of entries) {
        const { metadata } = JSON.parse(e.Detail) as { metadata: EventMetadata };
        const detailType = e.DetailType;
        published.push({
          id: metadata.recordId,
          updatedAtMs: Date.parse(metadata.updatedAt),
          change: metadata.change,
          detailType,
          run: run(),
        });
      }
      return { delivered: entries.length, deadLettered: 0, calls: 1 };
    },
  };
  return { published, records, publisher, checkpoints: new MemoryCheckpoints(stalePeek), now: () => coupa.nowMs - skewMs };
}

describe('Created in the poller, model-based: every record created after the window start', () => {
  it.each(Array.from({ length: 120 }, (_, i) => i + 3000))(
    'scenario %i: at most one Created per record, always its first published version; guaranteed ones never missed',
    async (seed) => {
      const r = rng(seed);
      const lagMs = r.int(3) * 5000;
      const coupa = new ModelCoupa(r, s(-100), lagMs);
      // Records from before the window start, then a backlog inside it; some edited long before the first run.
      for (let i = 0; i < 20; i++) coupa.save(undefined, s(-90 + i));
      for (let i = 0; i < 80 + r.int(400); i++) coupa.save(undefined, s(r.int(300)));
      coupa.nowMs = s(320);
      for (const id of coupa.ids()) if (r.int(4) === 0) coupa.save(id, s(300 + r.int(10)));
      coupa.nowMs = s(400);
      let run = 0;
      let quiet = false;
      const mutate = () => {
        if (quiet) return;
        const ids = coupa.ids();
        const kind = r.int(10);
        if (kind < 3) for (let i = r.int(4); i > 0; i--) coupa.save(ids[r.int(ids.length)]);
        else if (kind < 4) for (let i = 0; i < 60 + r.int(60); i++) coupa.save(ids[r.int(ids.length)]);
        else if (kind < 6)
          coupa.save(); // a new record
        else if (kind < 8) coupa.save(coupa.save()); // a new record, edited in the same breath
        coupa.nowMs += r.int(1500);
      };
      // A quarter of the peeks read a state one to three writes old, as an eventually consistent read may.
      const stale = rng(seed + 100_000);
      const deps = modelDeps(
        coupa,
        r,
        r.int(3) * 40_000 - 40_000,
        mutate,
        () => run,
        () => (stale.int(4) === 0 ? 1 + stale.int(3) : 0),
      );
      const object = getObject('invoices');
      const runs: { startMs: number; start: Cursor | undefined; end: Cursor }[] = [];
      // Runs may stop at a deadline (Coupa's clock moves while they page), so a backfill spans runs.
      const pollOnce = async (deadline: boolean) => {
        const start = deps.checkpoints.checkpoint?.cursor;
        const startMs = coupa.nowMs;
        const result = await runPoll(deps, {
          ...(deadline ? { stopAtMs: deps.now() + r.int(5000) } : {}),
          object,
          instance: 'model',
          lagSeconds: lagMs / 1000,
          sinceMs: s(0),
          returnType: 'limited',
          runId: `run-${run}`,
          concurrency: 1 + r.int(4),
          maxRequestsPerSecond: 1e6,
          checkpointEveryRecords: 1 + r.int(150),
        });
        runs.push({ startMs, start, end: result.cursor });
        run++;
      };
      for (let i = 0; i < 6; i++) {
        await pollOnce(r.int(2) === 0);
        mutate();
        coupa.nowMs += 1000 + r.int(8000);
      }
      quiet = true; // a quiet period longer than the lag, then a last run
      coupa.nowMs += lagMs + 2000;
      await pollOnce(false);

      const { published } = deps;
      const first = new Map<number, Published>();
      for (const p of published) if (!first.has(p.id)) first.set(p.id, p);
      for (const p of published) expect(p.detailType).toBe(`Coupa Invoice ${p.change === 'created' ? 'Created' : 'Updated'}`);
      // No version twice, stale peeks or not (no run is killed here).
      const versions = published.map((p) => `${p.id}@${p.updatedAtMs}`);
      expect(versions.length).toBe(new Set(versions).size);
      const created = published.filter((p) => p.change === 'created');
      // Never twice, only as the first version published, only for records created in the window.
      expect(created.length).toBe(new Set(created.map((p) => p.id)).size);
      for (const p of created) expect(first.get(p.id)).toBe(p);
      expect(created.filter((p) => coupa.createdAt(p.id) < s(0))).toEqual([]);
      // The guarantee: a new record is announced unless an earlier run covered time between its creation
      // and the version first published while that version may not yet have been saved (lag + 3 s: the
      // Date header's whole seconds and our clock's margin).
      const missed = coupa
        .ids()
        .filter((id) => coupa.createdAt(id) >= s(0) && first.get(id)?.change === 'updated')
        .filter((id) => {
          const { updatedAtMs: u, run: r0 } = first.get(id)!;
          return runs.slice(0, r0).every(({ startMs, end }) => {
            let touches = false;
            for (let t = coupa.createdAt(id); t < u && !touches; t += 1000) touches = coversSecond(end, t);
            return !touches || startMs >= u + lagMs + 3000;
          });
        });
      expect(missed).toEqual([]);
      // The spans never hit their cap here, so the guarantee above was checked at full precision.
      expect(runs.every(({ end }) => (end.queried?.length ?? 0) < MAX_QUERIED_SPANS)).toBe(true);
      // Every record changed in the window is published by the end, so every new one was considered.
      expect(coupa.ids().filter((id) => coupa.current(id).ts >= s(0) && !first.has(id))).toEqual([]);
    },
  );

  it('an edit saved before a run but not yet visible to it (within the lag) does not make a second Created', async () => {
    const coupa = new ModelCoupa(rng(7), s(0), 30_000);
    const id = coupa.save(undefined, s(10), s(10));
    coupa.save(id, s(90), s(115)); // saved 10 s before the first run, visible 15 s after it
    let run = 0;
    const deps = modelDeps(
      coupa,
      rng(8),
      0,
      () => {},
      () => run,
    );
    const input = { object: getObject('invoices'), instance: 'model', lagSeconds: 30, sinceMs: s(0), returnType: 'limited' as const };
    coupa.nowMs = s(100);
    await runPoll(deps, { ...input, runId: `run-${run++}` }); // sees the first version: Created
    coupa.nowMs = s(200);
    await runPoll(deps, { ...input, runId: `run-${run++}` });
    expect(deps.published.map((p) => [p.updatedAtMs, p.change])).toEqual([
      [s(10), 'created'],
      [s(90), 'updated'],
    ]);
  });

  it('a backfill over several runs announces records created early in it and edited before it began', async () => {
    const r = rng(42);
    const coupa = new ModelCoupa(r, s(0), 0);
    for (let i = 0; i < 600; i++) coupa.save(undefined, s(i));
    coupa.nowMs = s(2000);
    for (let id = 1; id <= 600; id += 3) coupa.save(id, s(1000 + id)); // edited well before the first run
    coupa.nowMs = s(3000);
    let run = 0;
    const deps = modelDeps(
      coupa,
      r,
      0,
      () => {},
      () => run,
    );
    let requests = 0;
    const source = deps.records;
    // Each run stops after four pages, as a Lambda deadline would, so the backfill spans several runs.
    const runs = [];
    for (;;) {
      requests = 0;
      const limited = {
        fetchPage: (req: PageRequest) => {
          requests++;
          return source.fetchPage(req);
        },
      };
      const result = await runPoll(
        { ...deps, records: limited, now: () => (requests >= 4 ? coupa.nowMs + 1 : coupa.nowMs) },
        {
          object: getObject('invoices'),
          instance: 'model',
          lagSeconds: 0,
          sinceMs: s(0),
          returnType: 'limited',
          runId: `run-${run++}`,
          concurrency: 1,
          maxRequestsPerSecond: 1e6,
          stopAtMs: coupa.nowMs + 1,
        },
      );
      runs.push(result.stoppedBy);
      coupa.nowMs += 60_000;
      if (result.stoppedBy === 'caught-up') break;
    }
    expect(runs.length).toBeGreaterThan(2);
    const created = deps.published.filter((p) => p.change === 'created');
    expect(created.map((p) => p.id).sort((a, b) => a - b)).toEqual(coupa.ids().sort((a, b) => a - b));
    // The edited ones went out once, with their edited version, as Created.
    expect(created.filter((p) => p.id % 3 === 1).every((p) => p.updatedAtMs === s(1000 + p.id))).toBe(true);
    expect(deps.published).toHaveLength(600);
  });
});

describe('a stale peek (the checkpoint is read eventually consistent)', () => {
  const input = { object: getObject('invoices'), instance: 'model', lagSeconds: 5, sinceMs: s(0), returnType: 'limited' as const };

  it('wastes the probe of a run with something to publish, and publishes only from the cursor the lease returns', async () => {
    const coupa = new ModelCoupa(rng(11), s(0), 0);
    for (let i = 0; i < 120; i++) coupa.save(undefined, s(1 + i));
    coupa.nowMs = s(200);
    let run = 0;
    let staleBy: number | undefined;
    const deps = modelDeps(
      coupa,
      rng(12),
      0,
      () => {},
      () => run,
      () => staleBy,
    );
    await runPoll(deps, { ...input, runId: `run-${run++}` });
    expect(deps.published).toHaveLength(120);
    const saved = deps.checkpoints.checkpoint!;
    coupa.save(7, s(250));
    coupa.nowMs = s(300);
    staleBy = 99; // the peek sees no checkpoint at all: its probe starts at `since` and finds old versions
    const result = await runPoll(deps, { ...input, runId: `run-${run++}` });
    expect(deps.checkpoints.stalePeeks).toBe(1);
    expect(deps.published.slice(120).map((p) => [p.id, p.updatedAtMs])).toEqual([[7, s(250)]]);
    expect(result.cursor.watermarkMs).toBeGreaterThan(saved.cursor.watermarkMs);
  });

  it('lets a quiet run whose unleased advance meets a newer version end cleanly, storing nothing', async () => {
    const coupa = new ModelCoupa(rng(13), s(0), 0);
    coupa.save(undefined, s(1));
    coupa.nowMs = s(100);
    let run = 0;
    let staleBy: number | undefined;
    const deps = modelDeps(
      coupa,
      rng(14),
      0,
      () => {},
      () => run,
      () => staleBy,
    );
    await runPoll(deps, { ...input, runId: `run-${run++}` });
    coupa.nowMs = s(100 + 11 * 60); // past the idle save interval: this quiet run writes its cursor
    await runPoll(deps, { ...input, runId: `run-${run++}` });
    const stored = deps.checkpoints.checkpoint!;
    coupa.nowMs = s(100 + 22 * 60);
    staleBy = 1; // reads the version before: the advance's condition fails
    const result = await runPoll(deps, { ...input, runId: `run-${run++}` });
    expect(deps.checkpoints.stalePeeks).toBe(1);
    expect(result).toMatchObject({ published: 0, checkpointWrites: 0, stoppedBy: 'caught-up' });
    expect(deps.checkpoints.checkpoint).toBe(stored);
    expect(deps.published).toHaveLength(1);
    // The next run reads the stored version and moves the cursor on.
    staleBy = undefined;
    expect(await runPoll(deps, { ...input, runId: `run-${run++}` })).toMatchObject({ checkpointWrites: 1 });
  });
});
