import { z } from 'zod';

/**
 * Where a poller stands for one object. What has been published is exactly:
 * - every version with `updated-at` earlier than `watermarkMs`, and
 * - at the second `watermarkMs` itself, the ids in `doneIds`, plus every id ≤ `afterId` in keyset mode
 *   (a tie group too large for one page is paged by id).
 * Bounded by two pages of ids whatever the change rate: a mass update of any size is paged by id, never
 * remembered id by id.
 */
export interface LaneCursor {
  /** A whole second, as epoch ms. */
  readonly watermarkMs: number;
  readonly doneIds: readonly number[];
  readonly afterId?: number;
  /**
   * Where this lane's range ends (exclusive), when a backlog is paged in several lanes at once; the
   * last lane has none. A lane's range starts where the previous one ends.
   */
  readonly endMs?: number;
}

/**
 * The stored cursor: its own fields are the first lane; `lanes` holds the others, in time order. With
 * one lane (the usual case) the facts above hold for the cursor alone; with several, each lane
 * vouches for `[previous lane's end, its watermark)` and its `doneIds` / `afterId`.
 */
export interface Cursor extends LaneCursor {
  readonly version: 1;
  readonly lanes?: readonly LaneCursor[];
  /**
   * When the poller first queried each stretch of time it vouches for, in `fromMs` order (see
   * created.ts): what tells a new record's first version from a later one. Absent in cursors saved
   * before it existed, and before a first answer.
   */
  readonly queried?: readonly QueriedSpan[];
  /** A fan-out over parents in progress (objects served only under a parent; fan-out-poll.ts). */
  readonly sweep?: Sweep;
}

/**
 * One pass over every parent (e.g. supplier) for the children changed in `[watermarkMs, toMs)`. Parents
 * are taken in id order; every child of the parents with ids ≤ `afterParentId` is published. When the
 * pass ends, the watermark moves to `toMs`. `toMs` is fixed when the pass starts (Coupa's clock minus
 * the lag), so a run cut off mid-pass resumes the same pass.
 */
export interface Sweep {
  readonly toMs: number;
  readonly afterParentId: number;
}

/**
 * From `fromMs` up to the next span's `fromMs` (or on without end), every query that covered those
 * seconds was made when Coupa's clock minus the lag was at least `horizonMs`: versions saved before
 * `horizonMs` were visible to it. 0 means unknown. Time before the first span is unknown too.
 */
export interface QueriedSpan {
  readonly fromMs: number;
  readonly horizonMs: number;
}

/** Runs' spans kept in a cursor; older ones merge (keeping the lower horizon) beyond this. */
export const MAX_QUERIED_SPANS = 32;

const laneSchema = z
  .object({
    watermarkMs: z.number().int().nonnegative().multipleOf(1000),
    doneIds: z.array(z.number().int()).max(1000),
    afterId: z.number().int().nonnegative().optional(),
    endMs: z.number().int().nonnegative().multipleOf(1000).optional(),
  })
  .strict();

const queriedSpanSchema = z
  .object({ fromMs: z.number().int().nonnegative().multipleOf(1000), horizonMs: z.number().int().nonnegative() })
  .strict();

export const cursorSchema = laneSchema
  .extend({
    version: z.literal(1),
    lanes: z.array(laneSchema).max(8).optional(),
    queried: z.array(queriedSpanSchema).max(MAX_QUERIED_SPANS).optional(),
    sweep: z
      .object({ toMs: z.number().int().nonnegative().multipleOf(1000), afterParentId: z.number().int().nonnegative() })
      .strict()
      .optional(),
  })
  .strict()
  .refine((c) => (c.queried ?? []).every((s, i, all) => i === 0 || s.fromMs > all[i - 1]!.fromMs), 'queried spans must be in time order')
  .refine((c) => {
    const all = [c, ...(c.lanes ?? [])];
    // Every lane but the last ends, after its watermark, and before the next lane's watermark.
    return all.every((lane, i) =>
      i === all.length - 1
        ? lane.endMs === undefined
        : lane.endMs !== undefined && lane.endMs >= lane.watermarkMs && lane.endMs <= all[i + 1]!.watermarkMs,
    );
  }, 'lanes must be in time order, each but the last with an end');

/** Coupa's `updated-at` has whole seconds; the cursor works in them. */
export const floorSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** The cursor of a poller that has published nothing and wants changes at or after `sinceMs`. */
export function initialCursor(sinceMs: number): Cursor {
  return { version: 1, watermarkMs: floorSecond(sinceMs), doneIds: [] };
}

/** Parses a stored cursor, failing with the reason when it is not one of ours. */
export function parseCursor(value: unknown): Cursor {
  const parsed = cursorSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `Stored cursor is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
