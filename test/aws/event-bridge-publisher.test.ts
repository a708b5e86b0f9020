// EventBridgePublisher against EventBridge on moto (bus + rule -> SQS target, SQS dead-letter queue);
// PutEvents partial failures and throttling via aws-sdk-client-mock, since moto never produces them.
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import {
  EVENTBRIDGE_MAX_REQUEST_BYTES,
  EventBridgePublisher,
  PublishIncompleteError,
  putEventsEntryBytes,
} from '../../shared/adapters/aws/EventBridgePublisher';
import { S3PayloadStore } from '../../shared/adapters/aws/S3PayloadStore';
import { SqsDeadLetterSink } from '../../shared/adapters/aws/SqsDeadLetterSink';
import type { DeadLetter, DeadLetterSink } from '../../shared/changes/dead-letter';
import type { CoupaEventEntry } from '../../shared/events';
import { eventBridgeClient, s3Client, sqsClient, uniqueName } from '../support/moto/clients';

// moto delivers each matched event to SQS in ~0.1 s, so 25 events take seconds: room for a loaded machine.
jest.setTimeout(60_000);

const sqs = sqsClient();
const noSleep = async () => undefined;
const TIME = '2026-11-27T08:00:00Z';

const entry = (i: number, padding = 0): CoupaEventEntry => ({
  Source: 'coupa.acme',
  DetailType: 'Coupa Invoice Updated',
  Detail: JSON.stringify({
    metadata: { recordId: i, idempotencyKey: `acme:invoices:${i}:2026-11-27T08:00:00Z` },
    data: { id: i, note: 'ü'.repeat(padding) },
  }),
  Time: TIME,
});

async function createQueue(): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('q') }))).QueueUrl!;
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url, arn: attrs.Attributes!.QueueArn! };
}

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

/** A bus whose rule (`source` prefix `coupa.`) sends to an SQS queue, a dead-letter queue, and a client that records every PutEvents request. */
async function motoBus() {
  const client = eventBridgeClient();
  const requests: PutEventsRequestEntry[][] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PutEventsCommand') requests.push([...(args.input as { Entries: PutEventsRequestEntry[] }).Entries]);
      return next(args);
    },
    { step: 'initialize', name: 'recordPutEvents' },
  );
  const eventBusName = uniqueName('bus');
  await client.send(new CreateEventBusCommand({ Name: eventBusName }));
  const target = await createQueue();
  const ruleName = uniqueName('rule');
  await client.send(
    new PutRuleCommand({ Name: ruleName, EventBusName: eventBusName, EventPattern: JSON.stringify({ source: [{ prefix: 'coupa.' }] }) }),
  );
  await client.send(new PutTargetsCommand({ Rule: ruleName, EventBusName: eventBusName, Targets: [{ Id: 'queue', Arn: target.arn }] }));
  const dlq = await createQueue();
  const bucket = uniqueName('dlq-payloads');
  const s3 = s3Client();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const deadLetter = new SqsDeadLetterSink({ client: sqs, queueUrl: dlq.url, payloads: new S3PayloadStore({ client: s3, bucket }) });
  const publisher = new EventBridgePublisher({ client, eventBusName, deadLetter, sleep: noSleep });
  return { client, eventBusName, publisher, requests, targetUrl: target.url, dlqUrl: dlq.url, s3 };
}

/** What subscribers received: moto's SQS bodies use Python json spacing, so parse rather than compare text. */
const received = async (queueUrl: string) =>
  (await drain(queueUrl)).map(
    (m) => JSON.parse(m.Body!) as { source: string; 'detail-type': string; time: string; detail: { metadata: { recordId: number } } },
  );

describe('EventBridgePublisher (moto)', () => {
  it('publishes 25 entries in exactly 3 PutEvents requests, and subscribers get every detail as sent', async () => {
    const { publisher, requests, targetUrl, eventBusName } = await motoBus();
    const entries = Array.from({ length: 25 }, (_, i) => entry(i));

    expect(await publisher.publish(entries)).toEqual({ delivered: 25, deadLettered: 0, calls: 3 });

    expect(requests.map((r) => r.length)).toEqual([10, 10, 5]);
    expect(requests.flat().every((e) => e.EventBusName === eventBusName)).toBe(true);
    const events = await received(targetUrl);
    expect(events.map((e) => e.detail).sort((a, b) => a.metadata.recordId - b.metadata.recordId)).toEqual(
      entries.map((e) => JSON.parse(e.Detail)),
    );
    expect(
      events.every((e) => e.source === 'coupa.acme' && e['detail-type'] === 'Coupa Invoice Updated' && e.time === '2026-11-27T08:00:00Z'),
    ).toBe(true);
  });

  it('splits large entries so that no request exceeds 256 KB as EventBridge counts it', async () => {
    const { publisher, requests, targetUrl } = await motoBus();
    const entries = Array.from({ length: 6 }, (_, i) => entry(i, 50_000)); // ~100 KB each: 'ü' is 2 bytes in UTF-8

    const report = await publisher.publish(entries);

    const sizes = requests.map((r) => r.reduce((sum, e) => sum + putEventsEntryBytes(e), 0));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(EVENTBRIDGE_MAX_REQUEST_BYTES);
    expect(requests.map((r) => r.length)).toEqual([2, 2, 2]);
    expect(report).toEqual({ delivered: 6, deadLettered: 0, calls: 3 });
    expect((await received(targetUrl)).map((e) => e.detail.metadata.recordId).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('dead-letters entries the bus refuses (MalformedDetail) with the reason, and delivers the others', async () => {
    const { publisher, targetUrl, dlqUrl, eventBusName } = await motoBus();
    const bad = { ...entry(99), Detail: '{"metadata": not json' };
    const entries = [entry(1), bad, entry(2), { ...bad, Detail: '[[' }];

    expect(await publisher.publish(entries)).toEqual({ delivered: 2, deadLettered: 2, calls: 1 });

    expect((await received(targetUrl)).map((e) => e.detail.metadata.recordId).sort()).toEqual([1, 2]);
    const dead = (await drain(dlqUrl)).map((m) => ({
      attrs: m.MessageAttributes,
      body: JSON.parse(m.Body!) as { reason: string; message: string; entry: unknown },
    }));
    expect(dead).toHaveLength(2);
    for (const d of dead) {
      expect(d.body.reason).toBe('MalformedDetail');
      expect(d.attrs?.errorCode?.StringValue).toBe('MalformedDetail');
    }
    expect(dead.map((d) => d.body.entry)).toEqual(
      expect.arrayContaining([
        { ...bad, EventBusName: eventBusName },
        { ...bad, Detail: '[[', EventBusName: eventBusName },
      ]),
    );
  });

  it('dead-letters an entry too large for EventBridge as EntryTooLarge (claim-checked in the DLQ) without sending it', async () => {
    const { publisher, requests, targetUrl, dlqUrl, s3 } = await motoBus();
    const huge = entry(7, 150_000); // ~300 KB

    expect(await publisher.publish([entry(1), huge, entry(2)])).toEqual({ delivered: 2, deadLettered: 1, calls: 1 });

    expect(requests.flat().map((e) => JSON.parse(e.Detail!).metadata.recordId)).toEqual([1, 2]);
    expect(await received(targetUrl)).toHaveLength(2);
    const [message] = await drain(dlqUrl);
    const body = JSON.parse(message!.Body!) as { reason: string; message: string; claimCheck: { bucket: string; key: string } };
    expect(body.reason).toBe('EntryTooLarge');
    expect(body.message).toMatch(/^Entry is \d+ bytes as EventBridge counts it, over its limit of 262144$/);
    const stored = await s3.send(new GetObjectCommand({ Bucket: body.claimCheck.bucket, Key: body.claimCheck.key }));
    expect(JSON.parse(await stored.Body!.transformToString()).entry.Detail).toBe(huge.Detail);
  });

  it('makes no request for no entries', async () => {
    const { publisher, requests } = await motoBus();
    expect(await publisher.publish([])).toEqual({ delivered: 0, deadLettered: 0, calls: 0 });
    expect(requests).toHaveLength(0);
  });
});

describe('EventBridgePublisher failures (SDK mock)', () => {
  const client = new EventBridgeClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const mock = mockClient(client);
  afterEach(() => mock.reset());

  /** A dead-letter sink that keeps what it gets. */
  class MemorySink implements DeadLetterSink {
    readonly got: DeadLetter[] = [];
    async send(failures: readonly DeadLetter[]) {
      this.got.push(...failures);
    }
  }
  const sent = (call: number) =>
    mock.commandCalls(PutEventsCommand)[call]!.args[0].input.Entries!.map((e) => JSON.parse(e.Detail!).metadata.recordId as number);
  /** A PutEvents response failing the listed request positions with `code`. */
  const respond = (count: number, failing: Record<number, string>) => ({
    FailedEntryCount: Object.keys(failing).length,
    Entries: Array.from(
      { length: count },
      (_, i): PutEventsResultEntry =>
        failing[i] ? { ErrorCode: failing[i], ErrorMessage: `${failing[i]} for ${i}` } : { EventId: `id-${i}` },
    ),
  });
  const publisher = (
    sink: DeadLetterSink = new MemorySink(),
    extra: { maxAttempts?: number; sleep?: (ms: number) => Promise<void> } = {},
  ) => new EventBridgePublisher({ client, eventBusName: 'bus', deadLetter: sink, sleep: noSleep, ...extra });

  it('re-sends only the 3 throttled entries of 10, after a jittered backoff, then reports all delivered', async () => {
    mock
      .on(PutEventsCommand)
      .resolvesOnce(respond(10, { 2: 'ThrottlingException', 5: 'ThrottlingException', 9: 'ThrottlingException' }))
      .resolves(respond(3, {}));
    const sleeps: number[] = [];

    const report = await publisher(undefined, { sleep: async (ms) => void sleeps.push(ms) }).publish(
      Array.from({ length: 10 }, (_, i) => entry(i)),
    );

    expect(report).toEqual({ delivered: 10, deadLettered: 0, calls: 2 });
    expect(sent(1)).toEqual([2, 5, 9]);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(0);
    expect(sleeps[0]).toBeLessThan(200);
  });

  it('dead-letters non-retryable failures with their code and message, and retries the transient ones', async () => {
    mock
      .on(PutEventsCommand)
      .resolvesOnce(respond(5, { 0: 'MalformedDetail', 1: 'InternalFailure', 3: 'InvalidArgument', 4: 'ServiceUnavailable' }))
      .resolves(respond(2, {}));
    const sink = new MemorySink();

    expect(await publisher(sink).publish(Array.from({ length: 5 }, (_, i) => entry(i)))).toEqual({
      delivered: 3,
      deadLettered: 2,
      calls: 2,
    });

    expect(sent(1)).toEqual([1, 4]);
    expect(sink.got.map((d) => [JSON.parse(d.entry.Detail).metadata.recordId, d.errorCode, d.errorMessage, d.entry.EventBusName])).toEqual([
      [0, 'MalformedDetail', 'MalformedDetail for 0', 'bus'],
      [3, 'InvalidArgument', 'InvalidArgument for 3', 'bus'],
    ]);
  });

  it('throws after maxAttempts of persistent throttling, saying how many entries are undelivered', async () => {
    // The first two entries of every request are throttled, however often they are sent.
    mock
      .on(PutEventsCommand)
      .callsFake((input: { Entries: unknown[] }) => respond(input.Entries.length, { 0: 'ThrottlingException', 1: 'ThrottlingException' }));
    const sleeps: number[] = [];

    const error = await publisher(undefined, { maxAttempts: 4, sleep: async (ms) => void sleeps.push(ms) })
      .publish(Array.from({ length: 25 }, (_, i) => entry(i)))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PublishIncompleteError);
    const e = error as PublishIncompleteError;
    expect(e.undelivered).toBe(17); // 2 still throttled in the first batch + 15 never tried
    expect(e.report).toEqual({ delivered: 8, deadLettered: 0, calls: 4 });
    expect(e.message).toBe(
      '17 of 25 entries were not delivered to event bus bus: 2 still failed after 4 attempts (ThrottlingException) and 15 were not tried; 8 delivered, 0 dead-lettered',
    );
    expect(mock.commandCalls(PutEventsCommand)).toHaveLength(4);
    expect(sent(3)).toEqual([0, 1]);
    for (const [i, ms] of sleeps.entries()) expect(ms).toBeLessThan(200 * 2 ** i);
    expect(sleeps).toHaveLength(3);
  });

  it('re-sends the whole request when the response does not say which entries failed', async () => {
    mock.on(PutEventsCommand).resolvesOnce({ FailedEntryCount: 1 }).resolves(respond(3, {}));
    expect(await publisher().publish([entry(0), entry(1), entry(2)])).toEqual({ delivered: 3, deadLettered: 0, calls: 2 });
    expect(sent(1)).toEqual([0, 1, 2]);
  });

  it('lets whole-request SDK errors propagate', async () => {
    mock.on(PutEventsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(publisher().publish([entry(0)])).rejects.toThrow('Rate exceeded');
  });

  it('rejects when the dead-letter sink cannot store a refused entry', async () => {
    mock.on(PutEventsCommand).resolves(respond(1, { 0: 'MalformedDetail' }));
    const failing: DeadLetterSink = { send: async () => Promise.reject(new Error('dead-letter queue unavailable')) };
    await expect(publisher(failing).publish([entry(0)])).rejects.toThrow('dead-letter queue unavailable');
  });

  it('refuses a nonsensical maxAttempts', () => {
    expect(() => publisher(undefined, { maxAttempts: 0 })).toThrow(RangeError);
  });
});

describe('putEventsEntryBytes', () => {
  it('counts Time as 14 bytes, and UTF-8 bytes of Source, DetailType, Detail and Resources, not the bus name', () => {
    expect(
      putEventsEntryBytes({
        Source: 'coupa.acme',
        DetailType: 'Coupa Invoice Updated',
        Detail: '{"a":"é"}',
        EventBusName: 'x'.repeat(50),
      } as PutEventsRequestEntry),
    ).toBe(10 + 21 + 10);
    expect(putEventsEntryBytes({ Source: 's', DetailType: 'd', Detail: '{}', Time: new Date(), Resources: ['arn:x', 'ü'] })).toBe(
      14 + 1 + 1 + 2 + 5 + 2,
    );
  });
});
