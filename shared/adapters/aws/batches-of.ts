/** Request limits of a batch API: entries per request and bytes per request. */
export interface BatchLimits {
  readonly maxCount: number;
  readonly maxBytes: number;
}

/**
 * Greedy, in order: batches of at most `maxCount` items whose sizes add up to at most `maxBytes` (an item
 * larger than `maxBytes` goes alone: its own request reports it). One rule for PutEvents and
 * SendMessageBatch.
 */
export function batchesOf<T>(items: readonly T[], limits: BatchLimits, sizeOf: (item: T) => number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length === limits.maxCount || (current.length > 0 && bytes + size > limits.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
