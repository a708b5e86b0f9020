// SqsDeadLetterSink against SQS (and S3) on moto; SendMessageBatch partial failures via aws-sdk-client-mock.
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { S3PayloadStore } from '../../shared/adapters/aws/S3PayloadStore';
import { SqsDeadLetterSink, type DeadLetterMessage } from '../../shared/adapters/aws/SqsDeadLetterSink';
import type { DeadLetter } from '../../shared/changes/dead-letter';
import { s3Client, sqsClient, uniqueName } from '../support/moto/clients';

const sqs = sqsClient();
const noSleep = async () => undefined;

const failure = (i: number, detail = JSON.stringify({ metadata: { recordId: i } })): DeadLetter => ({
  entry: { Source: 'coupa.acme', DetailType: 'Coupa Invoice Updated', Detail: detail, Time: '2026-11-27T08:00:00Z', EventBusName: 'bus' },
  errorCode: 'MalformedDetail',
  errorMessage: `entry ${i} is not valid JSON`,
});

async function createQueue(attributes: Record<string, string> = {}): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('dlq'), Attributes: attributes }))).QueueUrl!;
}

/** Every message in the queue (moto delivers at once; stops after an empty receive). */
async function drain(queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], VisibilityTimeout: 300 }),
    );
    if (!out.Messages?.length) return all;
    all.push(...out.Messages);
  }
}

describe('SqsDeadLetterSink (moto)', () => {
  it('stores 23 failures in 3 batches, body { reason, message, entry } with errorCode and detailType attributes', async () => {
    const queueUrl = await createQueue();
    const sink = new SqsDeadLetterSink({ client: sqs, queueUrl });
    const send = jest.spyOn(sqs, 'send');
    const failures = Array.from({ length: 23 }, (_, i) => failure(i));

    await sink.send(failures);

    expect(send.mock.calls.filter(([c]) => c instanceof SendMessageBatchCommand)).toHaveLength(3);
    send.mockRestore();
    const messages = await drain(queueUrl);
    const bodies = messages.map((m) => JSON.parse(m.Body!) as DeadLetterMessage);
    expect(bodies.sort((a, b) => a.message.localeCompare(b.message, 'en', { numeric: true }))).toEqual(
      failures.map((f) => ({ reason: 'MalformedDetail', message: f.errorMessage, entry: f.entry })),
    );
    expect(messages[0]!.MessageAttributes).toMatchObject({
      errorCode: { DataType: 'String', StringValue: 'MalformedDetail' },
      detailType: { DataType: 'String', StringValue: 'Coupa Invoice Updated' },
      payload: { DataType: 'String', StringValue: 'inline' },
    });
  });

  it('claim-checks a failure too large for a message and sends the rest inline', async () => {
    const queueUrl = await createQueue({ MaximumMessageSize: '262144' });
    const bucket = uniqueName('dead-letters');
    const s3 = s3Client();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const sink = new SqsDeadLetterSink({ client: sqs, queueUrl, payloads: new S3PayloadStore({ client: s3, bucket }) });
    const big = failure(1, JSON.stringify({ data: 'é'.repeat(200_000) })); // 400 KB in UTF-8, 200 k characters

    await sink.send([big, failure(2)]);

    const messages = await drain(queueUrl);
    expect(messages).toHaveLength(2);
    const pointer = messages.find((m) => m.MessageAttributes?.payload?.StringValue === 'claim-check')!;
    const body = JSON.parse(pointer.Body!) as Extract<DeadLetterMessage, { claimCheck: unknown }>;
    const { Detail: _, ...summary } = big.entry;
    expect(body).toMatchObject({ reason: 'MalformedDetail', message: big.errorMessage, entry: summary, claimCheck: { bucket } });
    expect(body.entry).not.toHaveProperty('Detail');
    const stored = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: body.claimCheck.key }));
    expect(JSON.parse(await stored.Body!.transformToString())).toEqual({
      reason: 'MalformedDetail',
      message: big.errorMessage,
      entry: big.entry,
    });
  });

  it('rejects a failure too large for a message when there is no payload store, and sends nothing', async () => {
    const queueUrl = await createQueue();
    const sink = new SqsDeadLetterSink({ client: sqs, queueUrl });
    await expect(sink.send([failure(2), failure(1, 'x'.repeat(300_000))])).rejects.toThrow(
      /Dead letter for a Coupa Invoice Updated entry \(MalformedDetail\) is \d+ bytes, over the SQS limit of 262144, and no payload store is configured/,
    );
    expect(await drain(queueUrl)).toHaveLength(0);
  });

  it('splits batches by size as well as by count', async () => {
    const queueUrl = await createQueue();
    const sink = new SqsDeadLetterSink({ client: sqs, queueUrl });
    const send = jest.spyOn(sqs, 'send');
    await sink.send(Array.from({ length: 4 }, (_, i) => failure(i, 'x'.repeat(100_000))));
    const batches = send.mock.calls
      .map(([c]) => c as unknown)
      .filter((c): c is SendMessageBatchCommand => c instanceof SendMessageBatchCommand);
    send.mockRestore();
    expect(batches.map((b) => b.input.Entries!.length)).toEqual([2, 2]);
    expect(await drain(queueUrl)).toHaveLength(4);
  });

  it('keeps characters SQS refuses out of the body without changing the JSON value', async () => {
    const queueUrl = await createQueue();
    const f = failure(1, '{"name":"a\uFFFEb\uFFFF"}');
    await new SqsDeadLetterSink({ client: sqs, queueUrl }).send([f]);
    const [message] = await drain(queueUrl);
    expect((JSON.parse(message!.Body!) as { entry: unknown }).entry).toEqual(f.entry);
  });

  it('makes no request for no failures', async () => {
    const send = jest.spyOn(sqs, 'send');
    await new SqsDeadLetterSink({ client: sqs, queueUrl: 'unused' }).send([]);
    expect(send).not.toHaveBeenCalled();
    send.mockRestore();
  });
});

describe('SqsDeadLetterSink partial batch failures (SDK mock)', () => {
  const queueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq';
  const client = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const mock = mockClient(client);
  afterEach(() => mock.reset());
  const ids = (call: number) => (mock.commandCalls(SendMessageBatchCommand)[call]!.args[0].input.Entries ?? []).map((e) => e.Id);

  it('retries only the entries SQS failed on its side, then succeeds', async () => {
    mock
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [],
        Failed: [
          { Id: 'm2', SenderFault: false, Code: 'InternalError', Message: 'try again' },
          { Id: 'm7', SenderFault: false, Code: 'ServiceUnavailable' },
        ],
      })
      .resolves({ Failed: [] });
    const sleeps: number[] = [];

    await new SqsDeadLetterSink({ client, queueUrl, sleep: async (ms) => void sleeps.push(ms) }).send(
      Array.from({ length: 10 }, (_, i) => failure(i)),
    );

    expect(mock.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
    expect(ids(1)).toEqual(['m2', 'm7']);
    expect(sleeps).toHaveLength(1);
  });

  it('rejects when SQS keeps failing after maxAttempts, naming the error', async () => {
    mock.on(SendMessageBatchCommand).resolves({ Failed: [{ Id: 'm0', SenderFault: false, Code: 'InternalError', Message: 'boom' }] });
    await expect(new SqsDeadLetterSink({ client, queueUrl, maxAttempts: 4, sleep: noSleep }).send([failure(0)])).rejects.toThrow(
      /Could not store 1 dead-letter message\(s\) in .*dlq after 4 attempts \(InternalError: boom\)/,
    );
    expect(mock.commandCalls(SendMessageBatchCommand)).toHaveLength(4);
  });

  it('rejects at once when SQS says the sender is at fault', async () => {
    mock
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: 'm0', SenderFault: true, Code: 'InvalidMessageContents', Message: 'bad' }] });
    await expect(new SqsDeadLetterSink({ client, queueUrl, sleep: noSleep }).send([failure(0)])).rejects.toThrow(
      /SQS refused 1 dead-letter message\(s\).*InvalidMessageContents/,
    );
    expect(mock.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
  });
});
