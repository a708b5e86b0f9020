import type { Logger } from '../logger';
import { initialCursor, type Cursor } from './cursor';
import type { Checkpoint } from './ports';

/**
 * Where a run starts, once it holds the lease: the stored cursor; else (first run) `sinceMs` or now; or,
 * on purpose, `resetSinceMs` (a resync: every change since then is published again). A fresh cursor is
 * saved first thing, so the next run starts there even if this one finds nothing.
 */
export function startingCursor(
  stored: Checkpoint | undefined,
  key: string,
  input: { readonly sinceMs?: number; readonly resetSinceMs?: number },
  nowMs: number,
  log?: Logger,
): { readonly cursor: Cursor; readonly fresh: boolean } {
  if (input.resetSinceMs !== undefined) {
    const cursor = initialCursor(input.resetSinceMs);
    log?.warn('Cursor reset on request: changes since resetSince are published again', {
      checkpoint: key,
      resetSince: new Date(cursor.watermarkMs).toISOString(),
      previousWatermark: stored ? new Date(stored.cursor.watermarkMs).toISOString() : null,
    });
    return { cursor, fresh: true };
  }
  if (stored) return { cursor: stored.cursor, fresh: false };
  return { cursor: initialCursor(input.sinceMs ?? nowMs), fresh: true };
}
