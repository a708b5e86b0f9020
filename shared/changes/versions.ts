import type { CoupaRecord } from '../events';
import type { Version } from './plan';

/**
 * Reads id and `updated-at` off a record as Coupa returned it. A record without them cannot be placed
 * in time, so it fails loudly rather than being skipped.
 */
export function versionOf(record: Record<string, unknown>, objectKey: string): Version<CoupaRecord> {
  const id = record.id;
  const updatedAt = record['updated-at'] ?? record.updated_at;
  const updatedAtMs = typeof updatedAt === 'string' ? Date.parse(updatedAt) : Number.NaN;
  if (typeof id !== 'number' || !Number.isInteger(id) || Number.isNaN(updatedAtMs)) {
    throw new Error(
      `Coupa returned a ${objectKey} record without a usable id and updated-at (id ${JSON.stringify(id)}, updated-at ${JSON.stringify(updatedAt)}); ` +
        'the poller needs both: do not exclude them with `fields`.',
    );
  }
  return { id, updatedAtMs: Math.floor(updatedAtMs / 1000) * 1000, record: record as CoupaRecord };
}
