import { randomUUID } from 'node:crypto';
import type { MessageAttributeValue, SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterSink } from '../../changes/dead-letter';
import type { PayloadStore } from '../../changes/ports';
import type { DataRef } from '../../events';
import { batchesOf } from './batches-of';

/** SQS's classic limit for one message and for one batch (body + attributes); queues may allow more. */
export const SQS_DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;
const SQS_MAX_BATCH_ENTRIES = 10;

export interface SqsDeadLetterSinkOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** Where an entry too large for a message goes; the message then carries its `DataRef`. @default none: such entries make `send` reject */
  readonly payloads?: PayloadStore;
  /** The queue's message size limit, also used as the batch limit. @default 262144 (256 KiB) */
  readonly maxMessageBytes?: number;
  /** SendMessageBatch attempts for entries SQS failed on its side. @default 3 */
  readonly maxAttempts?: number;
  /** @default 200 */
  readonly baseDelayMs?: number;
  /** @default a real timer */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What a dead-letter message body holds. With `claimCheck`, the stored object is the inline form. */
export type DeadLetterMessage =
  | { readonly reason: string; readonly message: string; readonly entry: DeadLetter['entry'] }
  | {
      readonly reason: string;
      readonly message: string;
      /** The entry without its Detail, to triage without fetching. */
      readonly entry: Omit<DeadLetter['entry'], 'Detail'>;
      /** The full inline message `{ reason, message, entry }`, stored in the payload store. */
      readonly claimCheck: DataRef;
    };

interface Outgoing {
  readonly entry: SendMessageBatchRequestEntry;
  readonly bytes: number;
}

/**
 * DeadLetterSink on Amazon SQS. Each failure becomes one message: body `{ reason, message, entry }` (JSON)
 * with string attributes `errorCode`, `detailType` and `payload` (`inline` | `claim-check`). A message
 * over the size limit is stored in the payload store first and the message carries `claimCheck`.
 * Batches respect SQS's 10-entry and size limits; entries SQS fails on its side are retried, and `send`
 * rejects unless every message is stored.
 *
 * @example
 * const deadLetter = new SqsDeadLetterSink({ client: new SQSClient({}), queueUrl, payloads });
 */
export class SqsDeadLetterSink implements DeadLetterSink {
  private readonly client: SQSClient;
  private readonly queueUrl: string;
  private readonly payloads?: PayloadStore;
  private readonly maxBytes: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: SqsDeadLetterSinkOptions) {
    this.client = options.client;
    this.queueUrl = options.queueUrl;
    this.payloads = options.payloads;
    this.maxBytes = options.maxMessageBytes ?? SQS_DEFAULT_MAX_MESSAGE_BYTES;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1)
      throw new RangeError(`maxAttempts must be a positive integer, got ${this.maxAttempts}`);
  }

  async send(failures: readonly DeadLetter[]): Promise<void> {
    const outgoing: Outgoing[] = [];
    for (const failure of failures) outgoing.push(await this.messageOf(failure, outgoing.length));
    for (const batch of batchesOf(outgoing, { maxCount: SQS_MAX_BATCH_ENTRIES, maxBytes: this.maxBytes }, (m) => m.bytes))
      await this.sendBatch(batch);
  }

  private async messageOf(failure: DeadLetter, index: number): Promise<Outgoing> {
    const inline: DeadLetterMessage = { reason: failure.errorCode, message: failure.errorMessage, entry: failure.entry };
    const attributes = (payload: string): Record<string, MessageAttributeValue> => ({
      errorCode: stringAttribute(failure.errorCode || 'Unknown'),
      detailType: stringAttribute(failure.entry.DetailType || 'Unknown'),
      payload: stringAttribute(payload),
    });
    const id = `m${index}`;
    const body = sqsSafeJson(inline);
    const small = outgoingOf(id, body, attributes('inline'));
    if (small.bytes <= this.maxBytes) return small;

    if (!this.payloads) {
      throw new Error(
        `Dead letter for a ${failure.entry.DetailType} entry (${failure.errorCode}) is ${small.bytes} bytes, over the SQS limit of ${this.maxBytes}, and no payload store is configured to hold it`,
      );
    }
    const key = `dead-letters/${new Date().toISOString().slice(0, 10)}/${randomUUID()}.json`;
    const claimCheck = await this.payloads.put(key, body);
    const { Detail: _detail, ...summary } = failure.entry;
    const pointer: DeadLetterMessage = {
      reason: failure.errorCode,
      message: failure.errorMessage.slice(0, 2000),
      entry: summary,
      claimCheck,
    };
    return outgoingOf(id, sqsSafeJson(pointer), attributes('claim-check'));
  }

  /** One batch, retrying only the entries SQS failed on its side (`SenderFault: false`). */
  private async sendBatch(batch: readonly Outgoing[]): Promise<void> {
    let pending = batch.map((o) => o.entry);
    for (let attempt = 1; ; attempt++) {
      // Loaded on first use: dead letters are a rare path (see S3PayloadStore.putBytes).
      const { SendMessageBatchCommand } = await import('@aws-sdk/client-sqs');
      const out = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }));
      const failed = out.Failed ?? [];
      if (failed.length === 0) return;
      const describe = failed.map((f) => `${f.Code ?? 'Unknown'}: ${f.Message ?? ''}`.trim()).join('; ');
      if (failed.some((f) => f.SenderFault)) {
        throw new Error(`SQS refused ${failed.length} dead-letter message(s) for ${this.queueUrl} (${describe})`);
      }
      if (attempt >= this.maxAttempts) {
        throw new Error(
          `Could not store ${failed.length} dead-letter message(s) in ${this.queueUrl} after ${attempt} attempts (${describe})`,
        );
      }
      const ids = new Set(failed.map((f) => f.Id));
      pending = pending.filter((e) => ids.has(e.Id));
      await this.sleep(Math.random() * this.baseDelayMs * 2 ** (attempt - 1));
    }
  }
}

function outgoingOf(id: string, body: string, attributes: Record<string, MessageAttributeValue>): Outgoing {
  // SQS counts the body plus each attribute's name, data type and value.
  const attributeBytes = Object.entries(attributes).reduce(
    (sum, [name, a]) => sum + Buffer.byteLength(name) + Buffer.byteLength(a.DataType ?? '') + Buffer.byteLength(a.StringValue ?? ''),
    0,
  );
  return { entry: { Id: id, MessageBody: body, MessageAttributes: attributes }, bytes: Buffer.byteLength(body) + attributeBytes };
}

const stringAttribute = (value: string): MessageAttributeValue => ({
  DataType: 'String',
  StringValue: value.replace(/[\uFFFE\uFFFF]/g, '\uFFFD'),
});

/**
 * JSON that SQS accepts: it refuses U+FFFE and U+FFFF in bodies, which JSON.stringify leaves as they
 * are (they can only occur inside strings, where an escape means the same).
 */
function sqsSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}
