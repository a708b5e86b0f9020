import { initialCursor, parseCursor, type Cursor } from '../../../shared/changes/cursor';
import { applyPage, nextRequest, PAGE_SIZE, type Version } from '../../../shared/changes/plan';
import { ModelCoupa, rng } from './model-coupa';

const START = Date.UTC(2026, 10, 27, 8, 0, 0);

/** One poll run as the poller does it: requests until the planner says stop. Returns the requests made. */
function pollRun(coupa: ModelCoupa, cursor: Cursor, lagMs: number, published: Version<null>[], between: () => void) {
  let requests = 0;
  for (;;) {
    const request = nextRequest(cursor, coupa.nowMs - lagMs);
    if (!request) break;
    const rows = coupa.query(request, PAGE_SIZE);
    requests++;
    const outcome = applyPage(cursor, request, rows, coupa.nowMs - lagMs);
    published.push(...outcome.publish);
    cursor = parseCursor(outcome.cursor); // what a checkpoint store would round-trip
    if (!outcome.more) break;
    between();
  }
  return { cursor, requests };
}

function assertNoDuplicates(published: Version<null>[]) {
  const keys = published.map((v) => `${v.id}@${v.updatedAtMs}`);
  expect(keys.length - new Set(keys).size).toBe(0);
}

/** Every record whose latest version lies behind the cursor has that version published. */
function assertNothingLostBehind(coupa: ModelCoupa, cursor: Cursor, published: Version<null>[]) {
  const have = new Set(published.map((v) => `${v.id}@${v.updatedAtMs}`));
  const lost = coupa
    .ids()
    .map((id) => ({ id, ts: coupa.current(id).ts }))
    .filter(
      ({ id, ts }) =>
        ts < cursor.watermarkMs || (ts === cursor.watermarkMs && (cursor.doneIds.includes(id) || (cursor.afterId ?? -1) >= id)),
    )
    .filter(({ id, ts }) => !have.has(`${id}@${ts}`));
  expect(lost).toEqual([]);
}

describe('change planner', () => {
  it('publishes a quiet backlog once, with one request per page and no overlap', () => {
    const r = rng(1);
    const coupa = new ModelCoupa(r, START, 0);
    for (let i = 0; i < 500; i++) {
      coupa.save(undefined, START + i * 1000);
    }
    coupa.nowMs = START + 600_000;
    const published: Version<null>[] = [];
    const { requests, cursor } = pollRun(coupa, initialCursor(START), 0, published, () => {});
    expect(published).toHaveLength(500);
    assertNoDuplicates(published);
    expect(requests).toBeLessThanOrEqual(11); // 500 distinct seconds: 10 full pages and a short one
    expect(cursor.doneIds).toEqual([]);
  });

  it('pages through a mass update of 1,234 rows sharing one second, ties in random order', () => {
    const r = rng(2);
    const coupa = new ModelCoupa(r, START, 0);
    for (let i = 0; i < 1234; i++) coupa.save(undefined, START + 5000);
    for (let i = 0; i < 30; i++) coupa.save(undefined, START + 4000 - i);
    coupa.nowMs = START + 60_000;
    const published: Version<null>[] = [];
    const { cursor, requests } = pollRun(coupa, initialCursor(START), 0, published, () => {});
    expect(published).toHaveLength(1264);
    assertNoDuplicates(published);
    expect(cursor).toEqual({ version: 1, watermarkMs: START + 60_000, doneIds: [] });
    expect(requests).toBeLessThan(1264 / 50 + 5);
  });

  it('never moves past what could still appear: late rows within the lag are published, once', () => {
    const r = rng(3);
    const lagMs = 30_000;
    const coupa = new ModelCoupa(r, START, lagMs);
    const published: Version<null>[] = [];
    let cursor = initialCursor(START);
    for (let run = 0; run < 40; run++) {
      for (let i = 0; i < 20; i++) coupa.save(r.int(3) === 0 && coupa.ids().length ? coupa.ids()[r.int(coupa.ids().length)] : undefined);
      coupa.nowMs += 5000;
      cursor = pollRun(coupa, cursor, lagMs, published, () => {}).cursor;
      assertNothingLostBehind(coupa, cursor, published);
    }
    assertNoDuplicates(published);
  });

  it.each(Array.from({ length: 300 }, (_, i) => i + 100))(
    'adversarial scenario %i: edits, mass updates and late rows while paging lose and duplicate nothing',
    (seed) => {
      const r = rng(seed);
      const lagMs = r.int(4) * 5000;
      const coupa = new ModelCoupa(r, START, lagMs);
      for (let i = 0; i < 50 + r.int(400); i++) coupa.save(undefined, START + r.int(120) * 1000);
      coupa.nowMs = START + 130_000;
      const published: Version<null>[] = [];
      let cursor = initialCursor(START);
      const mutate = () => {
        const ids = coupa.ids();
        const kind = r.int(10);
        if (kind < 4)
          for (let i = r.int(5); i > 0; i--) coupa.save(ids[r.int(ids.length)]); // edits jump to the end
        else if (kind < 5)
          for (let i = 0; i < 60 + r.int(120); i++) coupa.save(ids[r.int(ids.length)]); // mass update, one second
        else if (kind < 7) coupa.save(); // a new record
        coupa.nowMs += r.int(3) * 1000 + r.int(1000);
      };
      for (let run = 0; run < 8; run++) {
        cursor = pollRun(coupa, cursor, lagMs, published, mutate).cursor;
        assertNothingLostBehind(coupa, cursor, published);
        mutate();
        coupa.nowMs += 1000 + r.int(10_000);
      }
      // Quiet period longer than the lag, then a last run: every record's latest version is published.
      coupa.nowMs += lagMs + 2000;
      cursor = pollRun(coupa, cursor, lagMs, published, () => {}).cursor;
      const have = new Set(published.map((v) => `${v.id}@${v.updatedAtMs}`));
      expect(coupa.ids().filter((id) => !have.has(`${id}@${coupa.current(id).ts}`))).toEqual([]);
      assertNoDuplicates(published);
      expect(cursor.doneIds.length).toBeLessThanOrEqual(2 * PAGE_SIZE);
    },
  );

  it('rejects a stored cursor that is not one of ours, naming the field', () => {
    expect(() => parseCursor({ version: 1, watermarkMs: 1500, doneIds: [] })).toThrow(/watermarkMs/);
    expect(() => parseCursor({ version: 2 })).toThrow(/Stored cursor is not valid/);
  });
});
