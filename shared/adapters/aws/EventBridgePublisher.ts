import {
  PutEventsCommand,
  type EventBridgeClient,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import type { DeadLetter, DeadLetterSink } from '../../changes/dead-letter';
import type { EventPublisher, PublishReport } from '../../changes/ports';
import type { CoupaEventEntry } from '../../events';
import { EVENTBRIDGE_MAX_ENTRY_BYTES, putEventsEntryBytes } from '../../events/entry-size';
import { batchesOf } from './batches-of';

/** EventBridge's limit for one PutEvents request, as it counts entries (shared/events/entry-size.ts). */
export const EVENTBRIDGE_MAX_REQUEST_BYTES = EVENTBRIDGE_MAX_ENTRY_BYTES;
export { putEventsEntryBytes };
const MAX_ENTRIES_PER_REQUEST = 10;
const MAX_DELAY_MS = 20_000;

/**
 * Per-entry ErrorCodes worth sending again. EventBridge documents InternalFailure and ThrottlingException
 * as retryable (API reference, PutEventsResultEntry); the rest are its other transient codes (Common
 * Errors: ServiceUnavailable; PutEvents errors: InternalException) and the SDK's own throttling/transient
 * codes (@smithy service-error-classification). Anything else is refused for good and dead-lettered.
 */
export const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'InternalFailure',
  'InternalException',
  'InternalError',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

export interface EventBridgePublisherOptions {
  readonly client: EventBridgeClient;
  readonly eventBusName: string;
  /** Takes entries the bus refuses for good, and entries too large to send. */
  readonly deadLetter: DeadLetterSink;
  /** PutEvents attempts per entry while it keeps failing with a retryable code. @default 5 */
  readonly maxAttempts?: number;
  /** First backoff ceiling; doubles per attempt, full jitter. @default 200 */
  readonly baseDelayMs?: number;
  /** @default a real timer */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Thrown when retryable failures remain after every attempt: the caller must not advance its cursor. */
export class PublishIncompleteError extends Error {
  override readonly name = 'PublishIncomplete';
  constructor(
    /** Entries neither delivered nor dead-lettered (still failing, or never tried after the failing batch). */
    readonly undelivered: number,
    /** What happened before giving up. */
    readonly report: PublishReport,
    message: string,
  ) {
    super(message);
  }
}

type BusEntry = CoupaEventEntry & { readonly EventBusName: string };

/**
 * EventPublisher on Amazon EventBridge. Packs entries into PutEvents requests of at most 10 entries and
 * 256 KB (counted as EventBridge counts), retries only the entries that failed with a retryable code
 * (exponential backoff, full jitter), hands entries refused for good, and entries too large to send at
 * all, to the dead-letter sink, and throws `PublishIncompleteError` when retryable failures outlast
 * `maxAttempts`: at-least-once, never a silent drop. Whole-request errors propagate (the SDK retried them).
 *
 * @example
 * const publisher = new EventBridgePublisher({ client: new EventBridgeClient({}), eventBusName: 'coupa', deadLetter });
 * const { delivered, deadLettered, calls } = await publisher.publish(entries);
 */
export class EventBridgePublisher implements EventPublisher {
  private readonly client: EventBridgeClient;
  private readonly eventBusName: string;
  private readonly deadLetter: DeadLetterSink;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: EventBridgePublisherOptions) {
    this.client = options.client;
    this.eventBusName = options.eventBusName;
    this.deadLetter = options.deadLetter;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1)
      throw new RangeError(`maxAttempts must be a positive integer, got ${this.maxAttempts}`);
    if (!(this.baseDelayMs >= 0)) throw new RangeError(`baseDelayMs must be zero or more, got ${this.baseDelayMs}`);
  }

  async publish(entries: readonly CoupaEventEntry[]): Promise<PublishReport> {
    const report = { delivered: 0, deadLettered: 0, calls: 0 };
    const sendable: BusEntry[] = [];
    const tooLarge: DeadLetter[] = [];
    for (const e of entries) {
      const entry = { ...e, EventBusName: this.eventBusName };
      const bytes = putEventsEntryBytes(entry);
      if (bytes <= EVENTBRIDGE_MAX_REQUEST_BYTES) sendable.push(entry);
      else
        tooLarge.push({
          entry,
          errorCode: 'EntryTooLarge',
          errorMessage: `Entry is ${bytes} bytes as EventBridge counts it, over its limit of ${EVENTBRIDGE_MAX_REQUEST_BYTES}`,
        });
    }
    if (tooLarge.length > 0) {
      await this.deadLetter.send(tooLarge);
      report.deadLettered += tooLarge.length;
    }

    const batches = batchesOf(
      sendable,
      { maxCount: MAX_ENTRIES_PER_REQUEST, maxBytes: EVENTBRIDGE_MAX_REQUEST_BYTES },
      putEventsEntryBytes,
    );
    for (const [i, batch] of batches.entries()) {
      const stuck = await this.sendBatch(batch, report);
      if (stuck.length > 0) {
        const notTried = batches.slice(i + 1).reduce((n, b) => n + b.length, 0);
        const undelivered = stuck.length + notTried;
        const codes = [...new Set(stuck.map((s) => s.ErrorCode ?? 'Unknown'))].join(', ');
        throw new PublishIncompleteError(
          undelivered,
          { ...report },
          `${undelivered} of ${entries.length} entries were not delivered to event bus ${this.eventBusName}: ${stuck.length} still failed after ${this.maxAttempts} attempts (${codes})` +
            `${notTried > 0 ? ` and ${notTried} were not tried` : ''}; ${report.delivered} delivered, ${report.deadLettered} dead-lettered`,
        );
      }
    }
    return report;
  }

  /** Sends one batch until nothing retryable is left or attempts run out; returns what still fails. */
  private async sendBatch(
    batch: readonly BusEntry[],
    report: { delivered: number; deadLettered: number; calls: number },
  ): Promise<PutEventsResultEntry[]> {
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      const out = await this.client.send(new PutEventsCommand({ Entries: pending.map(toRequestEntry) }));
      report.calls++;
      const outcome = classify(pending, out.FailedEntryCount ?? 0, out.Entries);
      report.delivered += outcome.delivered;
      if (outcome.refused.length > 0) {
        await this.deadLetter.send(outcome.refused);
        report.deadLettered += outcome.refused.length;
      }
      if (outcome.retry.length === 0) return [];
      if (attempt >= this.maxAttempts) return outcome.retry.map((r) => r.result);
      pending = outcome.retry.map((r) => r.entry);
      await this.sleep(Math.random() * Math.min(MAX_DELAY_MS, this.baseDelayMs * 2 ** (attempt - 1)));
    }
  }
}

interface Outcome {
  delivered: number;
  refused: DeadLetter[];
  retry: { entry: BusEntry; result: PutEventsResultEntry }[];
}

/** Result entries line up with request entries by index (PutEvents API reference). */
function classify(sent: readonly BusEntry[], failedCount: number, results: readonly PutEventsResultEntry[] | undefined): Outcome {
  if (failedCount === 0) return { delivered: sent.length, refused: [], retry: [] };
  if (!results || results.length !== sent.length) {
    // Failures we cannot attribute: send the whole batch again (a duplicate is better than a loss).
    const result = { ErrorCode: 'UnattributedFailure', ErrorMessage: `${failedCount} entries failed but the response did not say which` };
    return { delivered: 0, refused: [], retry: sent.map((entry) => ({ entry, result })) };
  }
  const outcome: Outcome = { delivered: 0, refused: [], retry: [] };
  sent.forEach((entry, i) => {
    const result = results[i]!;
    if (result.EventId && !result.ErrorCode) outcome.delivered++;
    else if (!result.ErrorCode || RETRYABLE_ERROR_CODES.has(result.ErrorCode)) outcome.retry.push({ entry, result });
    else outcome.refused.push({ entry, errorCode: result.ErrorCode, errorMessage: result.ErrorMessage ?? '' });
  });
  return outcome;
}

function toRequestEntry(entry: BusEntry): PutEventsRequestEntry {
  return {
    Source: entry.Source,
    DetailType: entry.DetailType,
    Detail: entry.Detail,
    Time: entry.Time === undefined ? undefined : new Date(entry.Time),
    EventBusName: entry.EventBusName,
  };
}
