import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { PutOutcome, RedriveBus, RedriveEntry } from '../../redrive/ports';
import { EVENTBRIDGE_MAX_REQUEST_BYTES, putEventsEntryBytes } from './EventBridgePublisher';
import { batchesOf } from './batches-of';

const MAX_ENTRIES_PER_REQUEST = 10;

/**
 * RedriveBus on Amazon EventBridge: PutEvents in requests of at most 10 entries and 256 KB, one
 * outcome per entry in order. An entry over EventBridge's limit is refused here (`EntryTooLarge`)
 * without a request; per-entry refusals (throttling included) are outcomes, for the caller to keep.
 *
 * @example
 * const bus = new EventBridgeRedriveBus({ client: new EventBridgeClient({}) });
 */
export class EventBridgeRedriveBus implements RedriveBus {
  private readonly client: EventBridgeClient;

  constructor(options: { readonly client: EventBridgeClient }) {
    this.client = options.client;
  }

  async put(entries: readonly RedriveEntry[]): Promise<PutOutcome[]> {
    const outcomes: PutOutcome[] = new Array(entries.length);
    const sendable: { readonly index: number; readonly size: number }[] = [];
    for (const [index, entry] of entries.entries()) {
      const size = putEventsEntryBytes(toRequestEntry(entry));
      if (size <= EVENTBRIDGE_MAX_REQUEST_BYTES) {
        sendable.push({ index, size });
        continue;
      }
      outcomes[index] = {
        accepted: false,
        errorCode: 'EntryTooLarge',
        errorMessage: `Entry is ${size} bytes as EventBridge counts it, over its limit of ${EVENTBRIDGE_MAX_REQUEST_BYTES}`,
      };
    }
    for (const batch of batchesOf(
      sendable,
      { maxCount: MAX_ENTRIES_PER_REQUEST, maxBytes: EVENTBRIDGE_MAX_REQUEST_BYTES },
      (e) => e.size,
    )) {
      const out = await this.client.send(new PutEventsCommand({ Entries: batch.map(({ index }) => toRequestEntry(entries[index]!)) }));
      for (const [i, { index }] of batch.entries()) {
        const result = out.Entries?.[i];
        outcomes[index] =
          result?.EventId && !result.ErrorCode
            ? { accepted: true }
            : {
                accepted: false,
                errorCode: result?.ErrorCode ?? 'Unknown',
                errorMessage: result?.ErrorMessage ?? 'PutEvents returned no result for this entry',
              };
      }
    }
    return outcomes;
  }
}

function toRequestEntry(entry: RedriveEntry): PutEventsRequestEntry {
  return {
    EventBusName: entry.EventBusName,
    Source: entry.Source,
    DetailType: entry.DetailType,
    Detail: entry.Detail,
    ...(entry.Time === undefined ? {} : { Time: new Date(entry.Time) }),
    ...(entry.Resources ? { Resources: [...entry.Resources] } : {}),
  };
}
