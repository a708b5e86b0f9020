import { floorSecond, type LaneCursor } from './cursor';

/** Coupa returns at most 50 records per GET. */
export const PAGE_SIZE = 50;

/**
 * The next list request. Bounds are whole-second, half-open intervals (`[gt_or_eq, lt)`), which stay
 * right even if Coupa kept sub-second times behind its rendered seconds.
 * - `range`: `updated_at ∈ [fromMs, toMs)`, ordered by `updated_at` ascending;
 * - `tie`:   `updated_at ∈ [atMs, atMs + 1 s)` and `id > afterId`, ordered by id: paging inside a
 *   mass update whose rows share one second and come back in no particular order.
 */
export type PageRequest =
  | { readonly kind: 'range'; readonly fromMs: number; readonly toMs: number }
  | { readonly kind: 'tie'; readonly atMs: number; readonly afterId: number };

/** A record as the planner needs it: id, change instant, and the record itself. */
export interface Version<R = unknown> {
  readonly id: number;
  readonly updatedAtMs: number;
  readonly record: R;
}

export interface PageOutcome<R, C extends LaneCursor = LaneCursor> {
  /** Versions to publish, in the order received; none was published before. */
  readonly publish: Version<R>[];
  readonly cursor: C;
  /** Is another request worth making now? */
  readonly more: boolean;
}

/**
 * What to ask next, or nothing when every settled change is published. `settledBeforeMs`: versions
 * earlier than this instant are all visible to queries (server time minus the tolerated lag).
 */
export function nextRequest(cursor: LaneCursor, settledBeforeMs: number): PageRequest | undefined {
  if (cursor.afterId !== undefined) return { kind: 'tie', atMs: cursor.watermarkMs, afterId: cursor.afterId };
  const toMs = Math.min(floorSecond(settledBeforeMs), cursor.endMs ?? Number.POSITIVE_INFINITY);
  return cursor.watermarkMs < toMs ? { kind: 'range', fromMs: cursor.watermarkMs, toMs } : undefined;
}

/**
 * Folds one page into the cursor. `settledBeforeMs` may be lower than the request's upper bound (the
 * response's server clock showed the request's estimate was early): newer rows are left for a later run.
 */
export function applyPage<R, C extends LaneCursor>(
  cursor: C,
  request: PageRequest,
  rows: readonly Version<R>[],
  settledBeforeMs: number,
  pageSize = PAGE_SIZE,
): PageOutcome<R, C> {
  return request.kind === 'tie'
    ? applyTiePage(cursor, request, rows, pageSize)
    : applyRangePage(cursor, request, rows, settledBeforeMs, pageSize);
}

/** Is the lane's whole range published (lanes with an end only)? */
export const laneComplete = (lane: LaneCursor): boolean =>
  lane.endMs !== undefined && lane.afterId === undefined && lane.watermarkMs >= lane.endMs;

/** The cursor moved to `fields`, keeping what is not about position (its end, its version). */
function moved<C extends LaneCursor>(cursor: C, fields: { watermarkMs: number; doneIds: readonly number[]; afterId?: number }): C {
  const { afterId: _afterId, ...rest } = cursor;
  return { ...rest, ...fields } as C;
}

function applyRangePage<R, C extends LaneCursor>(
  cursor: C,
  request: Extract<PageRequest, { kind: 'range' }>,
  rows: readonly Version<R>[],
  settledBeforeMs: number,
  pageSize: number,
): PageOutcome<R, C> {
  const full = rows.length >= pageSize;
  const toMs = Math.min(request.toMs, floorSecond(settledBeforeMs));
  const done = new Set(cursor.doneIds);
  // Rows outside the asked window (or not yet settled) are not ours to publish now.
  const inWindow = rows.filter((r) => r.updatedAtMs >= request.fromMs && r.updatedAtMs < toMs);
  const publish = uniqueVersions(inWindow.filter((r) => !(r.updatedAtMs === cursor.watermarkMs && done.has(r.id))));
  const lastMs = Math.max(...rows.map((r) => r.updatedAtMs));

  // A short page holds every row of the window; a full page holds every row earlier than its last
  // second. Either way, all versions before `coveredBeforeMs` are now published.
  const coveredBeforeMs = full ? Math.min(lastMs, toMs) : toMs;
  if (coveredBeforeMs > cursor.watermarkMs) {
    if (full && lastMs < toMs) {
      // The last second may continue on the next page: remember which of its ids are done.
      const atLast = inWindow.filter((r) => r.updatedAtMs === lastMs).map((r) => r.id);
      return { publish, cursor: moved(cursor, { watermarkMs: lastMs, doneIds: unique(atLast) }), more: true };
    }
    return { publish, cursor: moved(cursor, { watermarkMs: coveredBeforeMs, doneIds: [] }), more: full };
  }
  if (full && lastMs === cursor.watermarkMs && toMs > cursor.watermarkMs) {
    // A whole page in the watermark's second: a mass update. Page through that second by id.
    const doneIds = unique([...cursor.doneIds, ...inWindow.map((r) => r.id)]);
    return { publish, cursor: moved(cursor, { watermarkMs: cursor.watermarkMs, doneIds, afterId: 0 }), more: true };
  }
  // Nothing settled beyond the watermark yet (the server clock is behind our estimate): no row of the
  // page lies in the window, so nothing is published and the cursor stays.
  return { publish: [], cursor, more: false };
}

function applyTiePage<R, C extends LaneCursor>(
  cursor: C,
  request: Extract<PageRequest, { kind: 'tie' }>,
  rows: readonly Version<R>[],
  pageSize: number,
): PageOutcome<R, C> {
  const done = new Set(cursor.doneIds);
  const inSecond = rows.filter((r) => r.updatedAtMs === request.atMs && r.id > request.afterId);
  const publish = uniqueVersions(inSecond.filter((r) => !done.has(r.id)));
  if (rows.length >= pageSize) {
    // All rows count, so that the id always moves on even if a row was not of this second.
    const afterId = Math.max(request.afterId, ...rows.map((r) => r.id));
    return { publish, cursor: { ...cursor, afterId }, more: true };
  }
  // The second is exhausted: everything up to its end is published.
  return { publish, cursor: moved(cursor, { watermarkMs: request.atMs + 1000, doneIds: [] }), more: true };
}

const unique = (ids: readonly number[]): number[] => [...new Set(ids)].sort((a, b) => a - b);

/** One version per (id, updated-at): a row seen twice in a page is published once. */
function uniqueVersions<R>(rows: readonly Version<R>[]): Version<R>[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.id}@${r.updatedAtMs}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
