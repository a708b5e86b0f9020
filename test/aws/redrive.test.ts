// Redriving the dead-letter queues on moto, through the CLI (`redrive`) and the real SDK: dead letters
// in the formats that really reach the queues (written by SqsDeadLetterSink for refused events; the
// EventBridge target-DLQ and Lambda on-failure formats for commands), a bus with an SQS-target rule to
// see what arrives, and the payload bucket for claim checks.
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { runCli } from '../../functions/cli/main';
import { S3PayloadStore } from '../../shared/adapters/aws/S3PayloadStore';
import { SqsDeadLetterSink } from '../../shared/adapters/aws/SqsDeadLetterSink';
import type { DeadLetter } from '../../shared/changes/dead-letter';
import type { CoupaEventDetail } from '../../shared/events';
import {
  eventBridgeClient,
  MOTO_ACCOUNT,
  MOTO_REGION,
  motoLambdaEnvironment,
  s3Client,
  sqsClient,
  uniqueName,
} from '../support/moto/clients';
import { createQueue } from '../support/moto/resources';

jest.setTimeout(60_000);

const eb = eventBridgeClient();
const sqs = sqsClient();
const s3 = s3Client();
const savedEnv = { ...process.env };
let bus: string;
let inboxUrl: string;
let bucket: string;

beforeAll(async () => {
  Object.assign(process.env, motoLambdaEnvironment()); // the CLI's SDK clients find moto through the environment
  bus = uniqueName('coupa-bus');
  await eb.send(new CreateEventBusCommand({ Name: bus }));
  const inbox = await createQueue('redrive-inbox'); // a consumer of the bus
  inboxUrl = inbox.url;
  const rule = uniqueName('all-coupa');
  await eb.send(
    new PutRuleCommand({ Name: rule, EventBusName: bus, EventPattern: JSON.stringify({ source: [{ prefix: 'coupa.' }, 'com.acme.erp'] }) }),
  );
  await eb.send(new PutTargetsCommand({ Rule: rule, EventBusName: bus, Targets: [{ Id: 'inbox', Arn: inbox.arn }] }));
  bucket = uniqueName('payloads');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(() => {
  process.env = savedEnv;
});

async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['redrive', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}
const reportOf = (out: string[]) =>
  JSON.parse(out.at(-1)!) as {
    dryRun: boolean;
    read: number;
    redriven: number;
    left: number;
    problems: { messageId: string; kind: string; problem: string }[];
  };

/** Every message now visible (moto delivers at once; stops after an empty receive). */
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
interface Delivered {
  source: string;
  'detail-type': string;
  time: string;
  detail: Record<string, unknown>;
}
const delivered = async () => (await drain(inboxUrl)).map((m) => JSON.parse(m.Body!) as Delivered);

const changeDetail = (recordId: number, extra: Partial<Record<string, unknown>> = {}) => ({
  metadata: { schemaVersion: '1', instance: 'acme', object: 'invoices', recordId, payload: 'inline' },
  data: { id: recordId, status: 'approved' },
  ...extra,
});
const refused = (detail: unknown, errorCode = 'AccessDeniedException'): DeadLetter => ({
  entry: {
    Source: 'coupa.acme',
    DetailType: 'Coupa Invoice Updated',
    Detail: typeof detail === 'string' ? detail : JSON.stringify(detail),
    Time: '2026-11-27T08:00:00Z',
    EventBusName: bus,
  },
  errorCode,
  errorMessage: 'the bus refused it',
});

describe('redrive: the poller dead-letter queue (refused events)', () => {
  it('puts every entry on its bus again and deletes its message; what cannot be sent stays, with the reason', async () => {
    const dlq = (await createQueue('poller-dlq')).url;
    const payloads = new S3PayloadStore({ client: s3, bucket });
    // A record claim-checked by the poller: its object exists. Another whose object has expired.
    const kept = await payloads.put('acme/invoices/7/2026-11-27T080000Z.json', JSON.stringify({ id: 7 }));
    const expired = { bucket, key: 'acme/invoices/8/gone.json', bytes: 10, sha256: '0'.repeat(64) };
    const claimChecked = (recordId: number, dataRef: unknown) => ({
      metadata: { ...changeDetail(recordId).metadata, payload: 's3' },
      dataRef,
    });
    // A small SQS limit makes the sink claim-check the big dead letter itself, as a 256 KiB one would be.
    const sink = new SqsDeadLetterSink({ client: sqs, queueUrl: dlq, payloads, maxMessageBytes: 4096 });
    await sink.send([
      ...[1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13].map((id) => refused(changeDetail(id))),
      refused(claimChecked(7, kept)),
      refused(claimChecked(8, expired)),
      refused(changeDetail(20, { data: { id: 20, note: 'x'.repeat(10_000) } })), // a claim-checked dead letter
      refused('{"not json', 'MalformedDetail'), // refused again by the bus
    ]);

    const stored = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'dead-letters/' }));
    expect(stored.KeyCount).toBe(1); // the sink did claim-check the big one

    const { code, out } = await cli('--queue-url', dlq);

    const report = reportOf(out);
    expect(code).toBe(1); // messages were left
    expect(report).toMatchObject({ dryRun: false, read: 15, redriven: 13, left: 2 });
    expect(report.problems.map((p) => [p.kind, p.problem])).toEqual(
      expect.arrayContaining([
        ['refused-event', expect.stringMatching(new RegExp(`record s3://${bucket}/acme/invoices/8/gone.json no longer exists`))],
        ['refused-event', expect.stringMatching(/The bus refused the entry \(MalformedDetail/)],
      ]),
    );
    const events = await delivered();
    expect(events.map((e) => (e.detail as { metadata: { recordId: number } }).metadata.recordId).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 20,
    ]);
    const big = events.find((e) => (e.detail as CoupaEventDetail).metadata.recordId === 20)!;
    expect(big).toMatchObject({ source: 'coupa.acme', 'detail-type': 'Coupa Invoice Updated', time: '2026-11-27T08:00:00Z' });
    expect(big.detail).toEqual(changeDetail(20, { data: { id: 20, note: 'x'.repeat(10_000) } }));
    expect(events.find((e) => (e.detail as CoupaEventDetail).metadata.recordId === 7)!.detail).toEqual(
      JSON.parse(JSON.stringify(claimChecked(7, kept))),
    );
    // Only the two problem messages are left, visible again at once.
    const left = await drain(dlq);
    expect(left.map((m) => m.MessageId).sort()).toEqual(report.problems.map((p) => p.messageId).sort());
  });

  it('--dry-run prints each entry it would send, sends and deletes nothing', async () => {
    const dlq = (await createQueue('poller-dlq')).url;
    await new SqsDeadLetterSink({ client: sqs, queueUrl: dlq }).send([refused(changeDetail(31)), refused(changeDetail(32))]);

    const { code, out } = await cli('--queue-url', dlq, '--dry-run');

    expect(code).toBe(0);
    const planned = out
      .slice(0, -1)
      .map((l) => JSON.parse(l) as { wouldSend: { kind: string; entry: { EventBusName: string; Detail: string } } });
    expect(
      planned.map((p) => [p.wouldSend.kind, p.wouldSend.entry.EventBusName, JSON.parse(p.wouldSend.entry.Detail).metadata.recordId]).sort(),
    ).toEqual([
      ['refused-event', bus, 31],
      ['refused-event', bus, 32],
    ]);
    expect(reportOf(out)).toMatchObject({ dryRun: true, read: 2, redriven: 2, left: 2, problems: [] });
    expect(await delivered()).toEqual([]);
    expect(await drain(dlq)).toHaveLength(2);
  });

  it('--event-bus overrides the bus the entries name', async () => {
    const dlq = (await createQueue('poller-dlq')).url;
    const other = uniqueName('other-bus');
    await eb.send(new CreateEventBusCommand({ Name: other }));
    const otherInbox = await createQueue('other-inbox');
    const rule = uniqueName('rule');
    await eb.send(new PutRuleCommand({ Name: rule, EventBusName: other, EventPattern: JSON.stringify({ source: ['coupa.acme'] }) }));
    await eb.send(new PutTargetsCommand({ Rule: rule, EventBusName: other, Targets: [{ Id: 'inbox', Arn: otherInbox.arn }] }));
    await new SqsDeadLetterSink({ client: sqs, queueUrl: dlq }).send([refused(changeDetail(41))]);

    const { code } = await cli('--queue-url', dlq, '--event-bus', other);

    expect(code).toBe(0);
    expect(await delivered()).toEqual([]);
    expect((await drain(otherInbox.url)).map((m) => (JSON.parse(m.Body!) as Delivered).detail)).toEqual([changeDetail(41)]);
  });

  it('--max stops after N messages, and long runs report progress on stderr', async () => {
    const dlq = (await createQueue('poller-dlq')).url;
    const quietBus = uniqueName('quiet-bus'); // no rules: nothing to deliver, so this stays quick
    await eb.send(new CreateEventBusCommand({ Name: quietBus }));
    await new SqsDeadLetterSink({ client: sqs, queueUrl: dlq }).send(Array.from({ length: 105 }, (_, i) => refused(changeDetail(100 + i))));

    const { code, out, err } = await cli('--queue-url', dlq, '--event-bus', quietBus, '--max', '104');

    expect(code).toBe(0);
    expect(reportOf(out)).toMatchObject({ read: 104, redriven: 104, left: 0 });
    expect(err).toEqual(['redrive: 100 read, 100 redriven, 0 left in the queue']);
    expect(await drain(dlq)).toHaveLength(1);
  });
});

describe('redrive: the command dead-letter queue (failed commands)', () => {
  const commandEvent = (id: string, detail: Record<string, unknown>) => ({
    version: '0',
    id,
    'detail-type': 'Coupa Command',
    source: 'com.acme.erp',
    account: MOTO_ACCOUNT,
    time: '2026-11-27T08:00:00Z',
    region: MOTO_REGION,
    resources: [],
    detail: { instance: 'acme', action: 'update', object: 'suppliers', id: 1, data: { name: 'New' }, ...detail },
  });
  /** What EventBridge puts in a target's dead-letter queue: the event, and why in attributes. */
  const eventBridgeDeadLetter = (event: unknown) =>
    new SendMessageCommand({
      QueueUrl: '',
      MessageBody: JSON.stringify(event),
      MessageAttributes: {
        RULE_ARN: { DataType: 'String', StringValue: `arn:aws:events:${MOTO_REGION}:${MOTO_ACCOUNT}:rule/${bus}/coupa-commands` },
        TARGET_ARN: { DataType: 'String', StringValue: `arn:aws:lambda:${MOTO_REGION}:${MOTO_ACCOUNT}:function:coupa-command` },
        ERROR_CODE: { DataType: 'String', StringValue: 'Lambda.TooManyRequestsException' },
        ERROR_MESSAGE: { DataType: 'String', StringValue: 'Rate exceeded' },
      },
    });
  /** What Lambda's on-failure destination sends after the async retries. */
  const lambdaFailureRecord = (event: unknown) => ({
    version: '1.0',
    timestamp: '2026-11-27T09:00:00.000Z',
    requestContext: {
      requestId: 'e4b46cbf-b738-4a1b-8880-a18cdf61200e',
      functionArn: `arn:aws:lambda:${MOTO_REGION}:${MOTO_ACCOUNT}:function:coupa-command:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'Coupa.RateLimited', errorMessage: 'Coupa answered 429', trace: [] },
  });
  const send = async (queueUrl: string, command: SendMessageCommand) =>
    sqs.send(new SendMessageCommand({ ...command.input, QueueUrl: queueUrl }));

  it('re-sends the original commands, keeping their event id as idempotencyKey and correlationId unless they had their own', async () => {
    const dlq = (await createQueue('command-dlq')).url;
    await send(dlq, eventBridgeDeadLetter(commandEvent('evt-1', {})));
    await send(
      dlq,
      new SendMessageCommand({
        QueueUrl: dlq,
        MessageBody: JSON.stringify(lambdaFailureRecord(commandEvent('evt-2', { idempotencyKey: 'erp-42', correlationId: 'po-42' }))),
      }),
    );

    const first = await cli('--queue-url', dlq);

    // The EventBridge dead letter names its bus (RULE_ARN); the Lambda record names none and stays.
    expect(reportOf(first.out)).toMatchObject({
      read: 2,
      redriven: 1,
      left: 1,
      problems: [{ kind: 'failed-command', problem: expect.stringMatching(/names no bus/) }],
    });
    const second = await cli('--queue-url', dlq, '--event-bus', bus);
    expect(second.code).toBe(0);
    expect(reportOf(second.out)).toMatchObject({ read: 1, redriven: 1, left: 0 });

    const commands = (await delivered()).sort((a, b) => String(a.detail.correlationId).localeCompare(String(b.detail.correlationId)));
    expect(commands.map((c) => [c.source, c['detail-type'], c.detail])).toEqual([
      ['com.acme.erp', 'Coupa Command', { ...commandEvent('evt-1', {}).detail, idempotencyKey: 'evt-1', correlationId: 'evt-1' }],
      ['com.acme.erp', 'Coupa Command', { ...commandEvent('evt-2', {}).detail, idempotencyKey: 'erp-42', correlationId: 'po-42' }],
    ]);
    expect(await drain(dlq)).toEqual([]);
  });

  it('leaves a message that is no dead letter of the connector, saying so', async () => {
    const dlq = (await createQueue('command-dlq')).url;
    await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: '{"hello":"world"}' }));
    const { code, out } = await cli('--queue-url', dlq, '--event-bus', bus);
    expect(code).toBe(1);
    expect(reportOf(out).problems).toEqual([
      expect.objectContaining({ kind: 'unknown', problem: expect.stringMatching(/Not a dead letter of this connector/) }),
    ]);
    expect(await drain(dlq)).toHaveLength(1);
  });
});

describe('redrive: usage', () => {
  it('needs --queue-url, and --max must be a positive whole number', async () => {
    expect((await cli()).code).toBe(2);
    const bad = await cli('--queue-url', 'https://sqs.example/q', '--max', '0');
    expect(bad.code).toBe(2);
    expect(bad.err[0]).toMatch(/--max must be a whole number between 1/);
  });
});
