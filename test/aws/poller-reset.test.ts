// The poller Lambda invoked with {"resetSince": ISO}: the cursor restarts there under the lease and the
// history since then is published again. The real handler module against moto (DynamoDB, EventBridge
// -> SQS, S3, SQS) and the Coupa simulator.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import type { PollSummary } from '../../functions/lib/poller-metrics';
import { DynamoCheckpointStore } from '../../shared/adapters/aws/DynamoCheckpointStore';
import { startSimulator, type Simulator } from '../../shared/simulator';
import { loadHandler } from '../support/lambda-handler';
import { dynamoDbClient, eventBridgeClient, motoLambdaEnvironment, s3Client, sqsClient, uniqueName } from '../support/moto/clients';
import { createQueue, createSecret, createTable } from '../support/moto/resources';
import { startTokenRefresher, type TokenRefresherUnderTest } from '../support/token-refresher';

jest.setTimeout(120_000);

type Handler = (event: unknown, context: Context) => Promise<PollSummary>;
const T0 = Math.floor(Date.now() / 1000) * 1000 - 120_000;
let sim: Simulator;
let refresher: TokenRefresherUnderTest;
let table: string;
let targetUrl: string;
let handler: Handler;
const savedEnv = { ...process.env };

const context = (requestId: string) =>
  ({ functionName: 'poller', awsRequestId: requestId, getRemainingTimeInMillis: () => 300_000 }) as unknown as Context;
const quietly = async <T>(fn: () => Promise<T>): Promise<T> => {
  const spies = [process.stdout, process.stderr].map((s) => jest.spyOn(s, 'write').mockImplementation(() => true));
  try {
    return await fn();
  } finally {
    for (const s of spies) s.mockRestore();
  }
};
async function receivedIds(): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const out = await sqsClient().send(new ReceiveMessageCommand({ QueueUrl: targetUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }));
    if (!out.Messages?.length) return ids;
    ids.push(...out.Messages.map((m) => (JSON.parse(m.Body!) as { detail: { metadata: { eventId: string } } }).detail.metadata.eventId));
  }
}
const storedCursor = async () =>
  (await dynamoDbClient().send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'acme:invoices' } } }))).Item!.cursor!.S!;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 5, records: { invoices: 25 }, rateLimit: false, now: () => T0 });
  sim.control.clock.set(T0);
  refresher = await startTokenRefresher({
    CREDENTIALS_SECRET_ARN: await createSecret('coupa-credentials', {
      host: sim.baseUrl,
      grantType: 'client_credentials',
      clientId: 'sim-client',
      clientSecret: 'sim-secret',
      scopes: ['core.common.read', 'core.invoice.read'],
    }),
    TOKEN_SECRET_ARN: await createSecret('coupa-token', { placeholder: 'x' }),
    COUPA_GRANT_TYPE: 'client_credentials',
  });
  table = await createTable('checkpoints', 'pk');
  const target = await createQueue('subscriber');
  const dlq = await createQueue('dlq');
  targetUrl = target.url;
  const bus = uniqueName('bus');
  const eb = eventBridgeClient();
  await eb.send(new CreateEventBusCommand({ Name: bus }));
  const rule = uniqueName('all');
  await eb.send(new PutRuleCommand({ Name: rule, EventBusName: bus, EventPattern: JSON.stringify({ source: ['coupa.acme'] }) }));
  await eb.send(new PutTargetsCommand({ Rule: rule, EventBusName: bus, Targets: [{ Id: 't', Arn: target.arn }] }));
  const bucket = uniqueName('payloads');
  await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
  handler = await loadHandler<Handler>(() => import('../../functions/poller'), {
    ...motoLambdaEnvironment(),
    ...refresher.consumerEnv,
    OBJECT: 'invoices',
    INSTANCE: 'acme',
    EVENT_BUS_NAME: bus,
    CHECKPOINT_TABLE: table,
    PAYLOAD_BUCKET: bucket,
    DEAD_LETTER_QUEUE_URL: dlq.url,
    LAG_SECONDS: '0',
    SINCE: '2000-01-01T00:00:00Z',
  });
});
afterAll(async () => {
  await refresher?.front.close();
  await sim?.close();
  process.env = savedEnv;
});

describe('poller handler: {"resetSince"}', () => {
  let firstIds: string[];

  test('a scheduled event polls as usual, whatever its payload; a second run publishes nothing', async () => {
    const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: { resetSince: '2000-01-01T00:00:00Z' } };
    expect(await quietly(() => handler(scheduled, context('run-1')))).toMatchObject({ published: 25 });
    firstIds = await receivedIds();
    expect(firstIds).toHaveLength(25);
    expect(await quietly(() => handler(scheduled, context('run-2')))).toMatchObject({ published: 0 });
  });

  test('{"resetSince"} restarts the cursor and publishes the history again, with the same event ids', async () => {
    await receivedIds();
    const result = await quietly(() => handler({ resetSince: '2000-01-01T00:00:00Z' }, context('resync')));

    expect(result).toMatchObject({ published: 25, stoppedBy: 'caught-up' });
    expect((await receivedIds()).sort()).toEqual([...firstIds].sort());
  });

  test('refuses malformed input before touching the cursor', async () => {
    const before = await storedCursor();
    for (const [event, message] of [
      [{ resetSince: 'last week' }, /resetSince must be an ISO 8601 instant/],
      [{ resetSince: '2999-01-01T00:00:00Z' }, /is in the future/],
      [{ resetSince: '2000-01-01T00:00:00Z', object: 'suppliers' }, /Unknown poller invocation field\(s\) object/],
      ['reset', /takes no payload/],
    ] as const) {
      await expect(quietly(() => handler(event, context('bad')))).rejects.toThrow(message);
    }
    expect(await storedCursor()).toBe(before);
  });

  test('fails clearly while another run holds the lease, and leaves the cursor alone', async () => {
    const before = await storedCursor();
    const store = new DynamoCheckpointStore({ client: dynamoDbClient(), tableName: table });
    await store.acquire('acme:invoices', 'scheduled-run', Date.now() + 60_000, Date.now());

    await expect(quietly(() => handler({ resetSince: '2000-01-01T00:00:00Z' }, context('resync-2')))).rejects.toMatchObject({
      name: 'CheckpointConflict',
      message: expect.stringMatching(/lease/),
    });
    expect(await storedCursor()).toBe(before);
    expect(await receivedIds()).toEqual([]);
    await store.release('acme:invoices', 'scheduled-run');
  });
});
