import type { ChangeKind, CoupaRecord } from '../events';
import { floorSecond, MAX_QUERIED_SPANS, type Cursor, type QueriedSpan } from './cursor';
import type { Version } from './plan';

/**
 * Tells a new record's first published version (`created`) from the others (`updated`), with no
 * per-record state. A record created at C and seen now at version U may have been published before only
 * at some version v in [C, U) that an earlier run covered, and only if that run's query could not yet
 * see the edits after v: its horizon (Coupa's clock minus the lag) was before U's save, i.e. before
 * U + 1 s. So the version is `created` unless some second of [C, U) covered at the run's start was
 * first queried with a horizon below U + 1 s; the cursor's `queried` spans keep those horizons (a lower
 * bound). Records created before the window start fall in time the cursor vouches for with no span,
 * and stay `updated`. Within a run, a record is announced once.
 */
export class CreatedRule {
  readonly #announced = new Set<number>();

  /** `start`: the cursor as the run found it. */
  constructor(private readonly start: Cursor) {}

  changeOf(version: Version<CoupaRecord>): ChangeKind {
    const createdMs = createdAtMsOf(version.record);
    if (createdMs === undefined || this.#announced.has(version.id)) return 'updated';
    if (mayHaveBeenPublished(this.start, version.id, floorSecond(createdMs), version.updatedAtMs)) return 'updated';
    this.#announced.add(version.id);
    return 'created';
  }
}

/** The record's `created-at` as epoch ms, when it has a readable one. */
export function createdAtMsOf(record: Record<string, unknown>): number | undefined {
  const value = record['created-at'] ?? record.created_at;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Could a version of record `id` in [createdMs, updatedMs) have been published before the run that
 * starts at `cursor`? Yes when the cursor vouches for a second there that was first queried with a
 * horizon before `updatedMs + 1 s` (the latest the edit to `updatedMs` was saved).
 */
export function mayHaveBeenPublished(cursor: Cursor, id: number, createdMs: number, updatedMs: number): boolean {
  const spans = cursor.queried ?? [];
  return coveredFor(cursor, id).some(([from, to]) => {
    const x = Math.max(from, createdMs);
    const y = Math.min(to, updatedMs);
    return x < y && lowestHorizon(spans, x, y) < updatedMs + 1000;
  });
}

/**
 * The cursor's spans once a run that started at `start` has queried with horizons of at least
 * `horizonMs`: every lane's range from where it started (past a second it had begun) takes that horizon.
 * What the run did not reach is covered by a later run, which overwrites it again.
 */
export function queriedAfterRun(start: Cursor, horizonMs: number): QueriedSpan[] {
  let spans = [...(start.queried ?? [])];
  for (const lane of [start, ...(start.lanes ?? [])]) {
    // Ids already published in the watermark second were queried earlier: keep that second's span.
    const begun = lane.doneIds.length > 0 || lane.afterId !== undefined;
    const fromMs = lane.watermarkMs + (begun ? 1000 : 0);
    const toMs = lane.endMs ?? Number.POSITIVE_INFINITY;
    if (fromMs < toMs) spans = assign(spans, fromMs, toMs, Math.max(0, Math.floor(horizonMs)));
  }
  return compact(spans);
}

/** [from, to) second ranges the cursor vouches for, for record `id`: each lane's range and its ids at the watermark. */
function coveredFor(cursor: Cursor, id: number): [number, number][] {
  const out: [number, number][] = [];
  let start = Number.NEGATIVE_INFINITY;
  for (const lane of [cursor, ...(cursor.lanes ?? [])]) {
    if (lane.watermarkMs > start) out.push([start, lane.watermarkMs]);
    if (lane.doneIds.includes(id) || (lane.afterId !== undefined && id <= lane.afterId)) {
      out.push([lane.watermarkMs, lane.watermarkMs + 1000]);
    }
    start = lane.endMs ?? Number.POSITIVE_INFINITY;
  }
  return out;
}

/** The value in force at `atMs`: the last span starting at or before it; 0 (unknown) before the first. */
const horizonAt = (spans: readonly QueriedSpan[], atMs: number): number => spans.filter((s) => s.fromMs <= atMs).at(-1)?.horizonMs ?? 0;

function lowestHorizon(spans: readonly QueriedSpan[], fromMs: number, toMs: number): number {
  return Math.min(horizonAt(spans, fromMs), ...spans.filter((s) => s.fromMs > fromMs && s.fromMs < toMs).map((s) => s.horizonMs));
}

function assign(spans: readonly QueriedSpan[], fromMs: number, toMs: number, horizonMs: number): QueriedSpan[] {
  const after =
    toMs === Number.POSITIVE_INFINITY ? [] : [{ fromMs: toMs, horizonMs: horizonAt(spans, toMs) }, ...spans.filter((s) => s.fromMs > toMs)];
  return [...spans.filter((s) => s.fromMs < fromMs), { fromMs, horizonMs }, ...after];
}

/** Joins equal neighbours, then merges the oldest spans (the lower horizon stands for both) down to the cap. */
function compact(spans: readonly QueriedSpan[]): QueriedSpan[] {
  const out: QueriedSpan[] = [];
  for (const s of spans) if (out.at(-1)?.horizonMs !== s.horizonMs) out.push(s);
  while (out.length > MAX_QUERIED_SPANS) {
    const [a, b] = out.splice(0, 2) as [QueriedSpan, QueriedSpan];
    out.unshift({ fromMs: a.fromMs, horizonMs: Math.min(a.horizonMs, b.horizonMs) });
  }
  return out;
}
