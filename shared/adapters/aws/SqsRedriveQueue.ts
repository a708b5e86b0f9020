import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type BatchResultErrorEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { QueuedMessage, RedriveQueue } from '../../redrive/ports';

export interface SqsRedriveQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** How long received messages stay invisible while the redrive works on them. @default 300 */
  readonly visibilityTimeoutSeconds?: number;
  /** Long-poll wait per receive; 0 returns at once when nothing is visible. @default 1 */
  readonly waitTimeSeconds?: number;
}

const BATCH = 10;

/**
 * RedriveQueue on Amazon SQS: ReceiveMessage with every message attribute, DeleteMessageBatch, and
 * release as ChangeMessageVisibilityBatch to 0. Batch entries SQS fails make the call reject.
 *
 * @example
 * const queue = new SqsRedriveQueue({ client: new SQSClient({}), queueUrl });
 */
export class SqsRedriveQueue implements RedriveQueue {
  private readonly client: SQSClient;
  private readonly queueUrl: string;
  private readonly visibilityTimeoutSeconds: number;
  private readonly waitTimeSeconds: number;

  constructor(options: SqsRedriveQueueOptions) {
    this.client = options.client;
    this.queueUrl = options.queueUrl;
    this.visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 300;
    this.waitTimeSeconds = options.waitTimeSeconds ?? 1;
  }

  async receive(max: number): Promise<QueuedMessage[]> {
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.max(1, Math.min(BATCH, max)),
        VisibilityTimeout: this.visibilityTimeoutSeconds,
        WaitTimeSeconds: this.waitTimeSeconds,
        MessageAttributeNames: ['All'],
      }),
    );
    return (out.Messages ?? []).map((m) => ({
      id: m.MessageId ?? '',
      receipt: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      attributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).flatMap(([name, a]) => (a.StringValue === undefined ? [] : [[name, a.StringValue]])),
      ),
    }));
  }

  async delete(receipts: readonly string[]): Promise<void> {
    for (let i = 0; i < receipts.length; i += BATCH) {
      const entries = receipts.slice(i, i + BATCH).map((ReceiptHandle, n) => ({ Id: `d${n}`, ReceiptHandle }));
      const out = await this.client.send(new DeleteMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
      failIfAny('delete', this.queueUrl, out.Failed);
    }
  }

  async release(receipts: readonly string[]): Promise<void> {
    for (let i = 0; i < receipts.length; i += BATCH) {
      const entries = receipts.slice(i, i + BATCH).map((ReceiptHandle, n) => ({ Id: `r${n}`, ReceiptHandle, VisibilityTimeout: 0 }));
      const out = await this.client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
      failIfAny('release', this.queueUrl, out.Failed);
    }
  }
}

function failIfAny(what: string, queueUrl: string, failed: BatchResultErrorEntry[] | undefined): void {
  if (!failed?.length) return;
  const describe = failed.map((f) => `${f.Code ?? 'Unknown'}: ${f.Message ?? ''}`.trim()).join('; ');
  throw new Error(`Could not ${what} ${failed.length} message(s) of ${queueUrl} (${describe})`);
}
