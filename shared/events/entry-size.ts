// EventBridge's size rule, in one place: the poller's claim-check decision, the command results and the
// PutEvents batching all count entries the same way.

/** EventBridge's limit for one entry and for one PutEvents request, as it counts them. */
export const EVENTBRIDGE_MAX_ENTRY_BYTES = 256 * 1024;

/** The fields of a PutEvents entry that count towards its size (EventBusName does not). */
export interface SizedEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly Resources?: readonly string[];
  readonly Time?: unknown;
}

/**
 * An entry's size as EventBridge counts it (user guide, "Calculating PutEvents event entry size"):
 * 14 bytes for Time if present, plus the UTF-8 bytes of Source, DetailType, Detail and each Resource.
 */
export function putEventsEntryBytes(entry: SizedEntry): number {
  let bytes = entry.Time === undefined || entry.Time === null ? 0 : 14;
  for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (text) bytes += Buffer.byteLength(text, 'utf8');
  }
  return bytes;
}
