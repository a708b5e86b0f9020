import { z } from 'zod';

/**
 * Where a poller stands for one object. What has been published is exactly:
 * - every version with `updated-at` earlier than `watermarkMs`, and
 * - at the second `watermarkMs` itself, the ids in `doneIds`, plus every id ≤ `afterId` in keyset mode
 *   (a tie group too large for one page is paged by id).
 * Bounded by two pages of ids whatever the change rate: a mass update of any size is paged by id, never
 * remembered id by id.
 */
export interface Cursor {
  readonly version: 1;
  /** A whole second, as epoch ms. */
  readonly watermarkMs: number;
  readonly doneIds: readonly number[];
  readonly afterId?: number;
}

export const cursorSchema = z
  .object({
    version: z.literal(1),
    watermarkMs: z.number().int().nonnegative().multipleOf(1000),
    doneIds: z.array(z.number().int()).max(1000),
    afterId: z.number().int().nonnegative().optional(),
  })
  .strict();

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
    throw new Error(`Stored cursor is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
