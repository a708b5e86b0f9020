import { initialCursor, parseCursor, type Cursor } from '../../../shared/changes/cursor';
import { Lanes, type Lane } from '../../../shared/changes/lanes';
import { PAGE_SIZE, type PageRequest, type Version } from '../../../shared/changes/plan';
import { ModelCoupa, rng } from './model-coupa';

const START = Date.UTC(2026, 10, 27, 8, 0, 0);

/** Does the cursor vouch for this version (published)? Per lane: [previous end, watermark) and its ids. */
function covers(cursor: Cursor, id: number, ts: number): boolean {
  const lanes = [cursor, ...(cursor.lanes ?? [])];
  let start = Number.NEGATIVE_INFINITY;
  for (const lane of lanes) {
    if (ts >= start && ts < lane.watermarkMs) return true;
    if (ts === lane.watermarkMs && (lane.doneIds.includes(id) || (lane.afterId ?? -1) >= id)) return true;
    start = lane.endMs ?? Number.POSITIVE_INFINITY;
  }
  return false;
}

/**
 * One run with up to `maxLanes` requests in flight, completing in random order; Coupa is queried when
 * a request completes and may change between any two steps. Events are "out" at once, so safe = live.
 */
function laneRun(
  coupa: ModelCoupa,
  cursor: Cursor,
  lagMs: number,
  maxLanes: number,
  published: Version<null>[],
  r: ReturnType<typeof rng>,
  mutate: () => void,
) {
  const lanes = Lanes.fromCursor(cursor);
  const inFlight: { lane: Lane; request: PageRequest }[] = [];
  let requests = 0;
  for (let step = 0; step < 100_000; step++) {
    for (const start of lanes.startable(coupa.nowMs - lagMs)) {
      start.lane.inFlight = true;
      inFlight.push(start);
    }
    if (inFlight.length === 0) break;
    const [{ lane, request }] = inFlight.splice(r.int(inFlight.length), 1);
    lane!.inFlight = false;
    const rows = coupa.query(request!, PAGE_SIZE);
    requests++;
    const outcome = lanes.apply(lane!, request!, rows, coupa.nowMs - lagMs);
    published.push(...outcome.publish);
    lanes.markSafe(lane!, outcome.cursor);
    lanes.split(maxLanes, coupa.nowMs - lagMs);
    lanes.prune();
    // Every checkpoint that could be written now round-trips and vouches only for published versions
    // (checked every few steps: the check walks all records).
    if (step % 4 !== 0) {
      if (r.int(3) === 0) mutate();
      continue;
    }
    const saved = parseCursor(lanes.safeCursor());
    const have = new Set(published.map((v) => `${v.id}@${v.updatedAtMs}`));
    for (const id of coupa.ids()) {
      const ts = coupa.current(id).ts;
      if (covers(saved, id, ts)) expect([id, ts, have.has(`${id}@${ts}`)]).toEqual([id, ts, true]);
    }
    if (r.int(3) === 0) mutate();
  }
  return { cursor: lanes.safeCursor(), requests };
}

describe('lanes: a backlog paged in several time ranges at once', () => {
  it('splits a backlog into lanes and needs about a third of the rounds with three lanes', () => {
    const r = rng(5);
    const coupa = new ModelCoupa(r, START, 0);
    for (let i = 0; i < 3000; i++) coupa.save(undefined, START + i * 1000);
    coupa.nowMs = START + 4_000_000;
    const published: Version<null>[] = [];
    const { cursor, requests } = laneRun(coupa, initialCursor(START), 0, 3, published, r, () => {});
    expect(published).toHaveLength(3000);
    expect(new Set(published.map((v) => v.id)).size).toBe(3000);
    expect(cursor).toEqual({ version: 1, watermarkMs: START + 4_000_000, doneIds: [] });
    expect(requests).toBeLessThanOrEqual(3000 / 49 + 8);
  });

  it.each(Array.from({ length: 200 }, (_, i) => i + 1000))(
    'adversarial scenario %i: random completion order, edits, mass updates and late rows lose and duplicate nothing',
    (seed) => {
      const r = rng(seed);
      const lagMs = r.int(3) * 5000;
      const coupa = new ModelCoupa(r, START, lagMs);
      for (let i = 0; i < 100 + r.int(600); i++) coupa.save(undefined, START + r.int(400) * 1000);
      coupa.nowMs = START + 420_000;
      const published: Version<null>[] = [];
      let cursor = initialCursor(START);
      const mutate = () => {
        const ids = coupa.ids();
        const kind = r.int(10);
        if (kind < 4) for (let i = r.int(4); i > 0; i--) coupa.save(ids[r.int(ids.length)]);
        else if (kind < 5) for (let i = 0; i < 60 + r.int(100); i++) coupa.save(ids[r.int(ids.length)]);
        else if (kind < 7) coupa.save();
        coupa.nowMs += r.int(2000);
      };
      for (let run = 0; run < 6; run++) {
        cursor = laneRun(coupa, cursor, lagMs, 1 + r.int(4), published, r, mutate).cursor;
        coupa.nowMs += 1000 + r.int(5000);
      }
      coupa.nowMs += lagMs + 2000;
      cursor = laneRun(coupa, cursor, lagMs, 3, published, r, () => {}).cursor;
      const keys = published.map((v) => `${v.id}@${v.updatedAtMs}`);
      expect(keys.length - new Set(keys).size).toBe(0);
      const have = new Set(keys);
      expect(coupa.ids().filter((id) => !have.has(`${id}@${coupa.current(id).ts}`))).toEqual([]);
      expect(cursor.lanes).toBeUndefined(); // caught up: one lane again
    },
  );
});
