// The real poller handler module (functions/poller.ts), invoked in-process as Lambda would, against
// moto (Secrets Manager, DynamoDB, EventBridge bus + rule -> SQS, S3, SQS dead-letter queue) and the
// Coupa simulator. The SDK clients inside the handler find moto through AWS_ENDPOINT_URL alone.
import { loadHandler } from '../support/lambda-handler';
import { createQueue, createTable } from '../support/moto/resources';
import { startTokenRefresher, type TokenRefresherUnderTest } from '../support/token-refresher';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import Ajv, { type ValidateFunction } from 'ajv';
import type { Context } from 'aws-lambda';
import type { PollSummary } from '../../functions/lib/poller-metrics';
import { payloadKeyPrefixes } from '../../shared/changes/poller-rules';
import { detailTypeSlug } from '../../shared/events';
import {
  dynamoDbClient,
  eventBridgeClient,
  motoLambdaEnvironment,
  s3Client,
  secretsManagerClient,
  sqsClient,
  uniqueName,
} from '../support/moto/clients';
import { startSimulator, type Simulator } from '../../shared/simulator';

// moto delivers each matched event to SQS in ~0.1 s: a few hundred events take tens of seconds.
jest.setTimeout(120_000);

const CLIENT_ID = 'poller-test-client';
const CLIENT_SECRET = 'poller-sim-secret-4b1e7d'; // must never show up in output or results
// The simulator's clock is frozen at a whole second, two minutes behind ours, and moved by hand: Coupa's
// clock may run behind Lambda's, and the poller follows Coupa's (its Date header), never its own.
const T0 = Math.floor(Date.now() / 1000) * 1000 - 120_000;
const LAG_SECONDS = 2;

type Handler = (event: unknown, context: Context) => Promise<PollSummary>;
interface Received {
  source: string;
  'detail-type': string;
  detail: {
    metadata: { recordId: number; updatedAt: string; idempotencyKey: string; runId: string; change: string; payload: string };
    data?: Record<string, unknown>;
    dataRef?: { bucket: string; key: string; bytes: number; sha256: string };
  };
}

const sm = secretsManagerClient();
const sqs = sqsClient();
const s3 = s3Client();
let sim: Simulator;
let aws: { credentialsArn: string; tokenArn: string; table: string; bus: string; bucket: string; targetUrl: string; dlqUrl: string };
// The real token-refresh function, invoked by the poller through the Lambda API (test/support/token-refresher.ts).
let refresher: TokenRefresherUnderTest;
const savedEnv = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    seed: 11,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    records: { invoices: 60, suppliers: 8 },
    rateLimit: false,
    now: () => T0,
  });
  sim.control.clock.set(T0);
  aws = await createAwsResources();
  refresher = await startTokenRefresher({
    CREDENTIALS_SECRET_ARN: aws.credentialsArn,
    TOKEN_SECRET_ARN: aws.tokenArn,
    COUPA_GRANT_TYPE: 'client_credentials',
  });
});
afterAll(async () => {
  await refresher?.front.close();
  await sim?.close();
  process.env = savedEnv;
});

async function createAwsResources() {
  const secret = async (prefix: string, value: unknown) =>
    (await sm.send(new CreateSecretCommand({ Name: uniqueName(prefix), SecretString: JSON.stringify(value) }))).ARN!;
  const credentialsArn = await secret('coupa-credentials', {
    host: sim.baseUrl,
    grantType: 'client_credentials',
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scopes: ['core.common.read', 'core.invoice.read', 'core.supplier.read'],
  });
  // What CoupaConnector deploys: a placeholder the poller reads as "no token yet": it asks the refresher.
  const tokenArn = await secret('coupa-token', { note: 'written by the token-refresh function', placeholder: 'x' });

  const table = await createTable('checkpoints', 'pk');
  const queue = createQueue;
  const target = await queue('subscriber');
  const dlq = await queue('poller-dlq');

  const eb = eventBridgeClient();
  const bus = uniqueName('coupa-bus');
  await eb.send(new CreateEventBusCommand({ Name: bus }));
  const rule = uniqueName('all-coupa');
  await eb.send(new PutRuleCommand({ Name: rule, EventBusName: bus, EventPattern: JSON.stringify({ source: ['coupa.acme'] }) }));
  await eb.send(new PutTargetsCommand({ Rule: rule, EventBusName: bus, Targets: [{ Id: 'subscriber', Arn: target.arn }] }));

  const bucket = uniqueName('coupa-payloads');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return { credentialsArn, tokenArn, table, bus, bucket, targetUrl: target.url, dlqUrl: dlq.url };
}

// --- helpers ---------------------------------------------------------------------------------------

/** The environment CoupaConnector gives a poller (infra/Poller.ts), pointed at moto and the simulator. */
const pollerEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  ...motoLambdaEnvironment(),
  POWERTOOLS_LOG_LEVEL: 'INFO',
  ...refresher.consumerEnv,
  OBJECT: 'invoices',
  INSTANCE: 'acme',
  EVENT_BUS_NAME: aws.bus,
  CHECKPOINT_TABLE: aws.table,
  PAYLOAD_BUCKET: aws.bucket,
  DEAD_LETTER_QUEUE_URL: aws.dlqUrl,
  LAG_SECONDS: String(LAG_SECONDS),
  RETURN_TYPE: 'default',
  ...extra,
});

const POLLER_KEYS = [
  'OBJECT',
  'INSTANCE',
  'EVENT_SOURCE',
  'EVENT_BUS_NAME',
  'CHECKPOINT_TABLE',
  'PAYLOAD_BUCKET',
  'PAYLOAD_PREFIX',
  'DEAD_LETTER_QUEUE_URL',
  'LAG_SECONDS',
  'SINCE',
  'RETURN_TYPE',
  'FIELDS',
  'FILTERS',
  'INLINE_LIMIT_BYTES',
  'RATE_BUDGET_TABLE',
  'RATE_BUDGET_RPS',
];

/** Imports a fresh handler module with this environment, as a cold start would. */
const loadPollerHandler = (env: Record<string, string>) => loadHandler<Handler>(() => import('../../functions/poller'), env, POLLER_KEYS);

const context = (requestId: string, remainingMs = 300_000) =>
  ({
    functionName: 'coupa-poller-invoices',
    awsRequestId: requestId,
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:coupa-poller-invoices',
    memoryLimitInMB: '512',
    functionVersion: '$LATEST',
    getRemainingTimeInMillis: () => remainingMs,
  }) as unknown as Context;

/** Everything the process writes to stdout/stderr while `fn` runs (Powertools Logger and EMF write there). */
async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    }),
  );
  try {
    return { result: await fn(), output: chunks.join('') };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

/** One invocation with its log output kept out of the test report. */
const invoke = async (handler: Handler, ctx: Context) => (await captureOutput(() => handler({}, ctx))).result;

async function drain(queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }));
    if (!out.Messages?.length) return all;
    all.push(...out.Messages);
  }
}
/** What a subscriber of the bus received (moto's SQS bodies use Python json spacing: parse, never compare text). */
const received = async (): Promise<Received[]> => (await drain(aws.targetUrl)).map((m) => JSON.parse(m.Body!) as Received);
const versionsOf = (events: Received[]) => events.map((e) => `${e.detail.metadata.recordId}@${Date.parse(e.detail.metadata.updatedAt)}`);
const sorted = (values: Iterable<string>) => [...values].sort();
const duplicatesIn = (values: readonly string[]) => values.filter((v, i) => values.indexOf(v) !== i);

/**
 * The simulator's truth: `id@updatedAtMs` of each record's latest version, when it lies in [fromMs, toMs).
 * (A version replaced before any poll could see it is not a change anyone can observe.)
 */
const truth = (object: string, fromMs: number, toMs: number) => {
  const latest = new Map<number, number>();
  for (const v of sim.control.history(object)) latest.set(v.id, Math.max(latest.get(v.id) ?? 0, v.updatedAtMs));
  return sorted([...latest].filter(([, ms]) => ms >= fromMs && ms < toMs).map(([id, ms]) => `${id}@${ms}`));
};

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ValidateFunction>();
/** Validates an event's detail against the published JSON Schema of its detail type (shared/events/schemas). */
function schemaErrors(event: Received): string[] {
  const file = path.join(__dirname, '../../shared/events/schemas', `${detailTypeSlug(event['detail-type'])}.json`);
  let validate = validators.get(file);
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
    validators.set(file, validate);
  }
  return validate(event.detail) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Moves Coupa's clock so that changes made up to now are settled (older than the tolerated lag). */
const settle = () => sim.control.clock.advance((LAG_SECONDS + 1) * 1000);

// --- the scheduled handler -------------------------------------------------------------------------

describe('poller handler (moto + simulator)', () => {
  // Sequential: each test continues from the cursor the previous one left in DynamoDB.
  let handler: Handler;
  let sinceMs: number;
  let published: string[] = [];

  test('rejects an unusable environment at cold start, naming each variable', async () => {
    await expect(loadPollerHandler(pollerEnv({ OBJECT: 'expense_lines', LAG_SECONDS: 'soon', DEAD_LETTER_QUEUE_URL: '' }))).rejects.toThrow(
      /Poller environment is not valid: OBJECT: Coupa offers no change trigger for expense_lines.*DEAD_LETTER_QUEUE_URL: is required.*LAG_SECONDS: must be a whole number/,
    );
  });

  test('the first invocation publishes every change since SINCE, as schema-valid events, and returns counts only', async () => {
    // SINCE a little before the 15 most recent versions: a backfill with mass-update ties inside.
    const times = truth('invoices', 0, T0)
      .map((v) => Number(v.split('@')[1]))
      .sort((a, b) => b - a);
    sinceMs = times[14]!;
    const expected = truth('invoices', sinceMs, T0 - LAG_SECONDS * 1000);
    expect(expected.length).toBeGreaterThanOrEqual(15);
    handler = await loadPollerHandler(pollerEnv({ SINCE: new Date(sinceMs).toISOString() }));

    const { result, output } = await captureOutput(() => handler({}, context('req-1')));

    expect(result).toEqual({
      object: 'invoices',
      published: expected.length,
      claimChecked: 0,
      deadLettered: 0,
      requests: expect.any(Number),
      publishCalls: expect.any(Number),
      checkpointWrites: expect.any(Number),
      stoppedBy: 'caught-up',
      watermark: new Date(T0 - LAG_SECONDS * 1000).toISOString(),
    });
    const events = await received();
    published = versionsOf(events);
    expect(duplicatesIn(published)).toEqual([]);
    expect(sorted(published)).toEqual(expected);
    for (const event of events) {
      expect(schemaErrors(event)).toEqual([]);
      expect(event.source).toBe('coupa.acme');
      expect(event.detail.metadata).toMatchObject({ runId: 'req-1', payload: 'inline' });
    }
    expect(await drain(aws.dlqUrl)).toEqual([]);

    // Logs: Powertools JSON with the counts, one EMF line; no secret, no record data anywhere.
    const lines = output
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'Poll run finished',
        service: 'coupa-poller',
        object: 'invoices',
        instance: 'acme',
        published: expected.length,
        function_request_id: 'req-1',
      }),
    );
    // Powertools Metrics: one EMF line, exactly the dimensions the alarms and dashboard address.
    const emf = lines.filter((l) => l._aws);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'CoupaConnector', Dimensions: [['Instance', 'Object']] }] },
      Instance: 'acme',
      Object: 'invoices',
      Published: expected.length,
      Requests: result.requests,
      WatermarkAgeSeconds: expect.any(Number),
    });
    // Counters that are zero are left out (each metric costs by the hour it is published), and so is the
    // duration: Lambda's own Duration metric has it.
    expect(emf[0]).not.toHaveProperty('DeadLettered');
    expect(emf[0]).not.toHaveProperty('DurationMs');
    expect(emf[0]).not.toHaveProperty('Errors');
    expect(output).not.toContain(CLIENT_SECRET);
    const record = events[0]!.detail.data!;
    for (const text of [output, JSON.stringify(result)]) {
      expect(text).not.toContain(String(record['invoice-number'] ?? '\u0000'));
      expect(text).not.toContain('"data"');
    }
  });

  test('records edited in Coupa arrive as Updated events; the next invocation publishes only the new versions', async () => {
    const ids = [...new Set(sim.control.history('invoices').map((v) => v.id))].slice(0, 4);
    sim.control.update('invoices', ids[0]!, { 'supplier-note': 'edited by the poller test' });
    sim.control.touch('invoices', ids.slice(1)); // a mass update: three rows in one second
    const editedAt = sim.control.clock.now();
    settle();

    const result = await invoke(handler, context('req-2'));

    const events = await received();
    expect(result).toMatchObject({ published: 4, stoppedBy: 'caught-up' });
    expect(sorted(versionsOf(events))).toEqual(sorted(ids.map((id) => `${id}@${Math.floor(editedAt / 1000) * 1000}`)));
    expect(
      events.every(
        (e) =>
          e['detail-type'] === 'Coupa Invoice Updated' && e.detail.metadata.change === 'updated' && e.detail.metadata.runId === 'req-2',
      ),
    ).toBe(true);
    expect(events.every((e) => schemaErrors(e).length === 0)).toBe(true);
    expect(events.find((e) => e.detail.metadata.recordId === ids[0])!.detail.data!['supplier-note']).toBe('edited by the poller test');
    published.push(...versionsOf(events));
    expect(duplicatesIn(published)).toEqual([]);

    // Nothing changed since: nothing is published again.
    settle();
    expect(await invoke(handler, context('req-3'))).toMatchObject({ published: 0, stoppedBy: 'caught-up' });
    expect(await received()).toEqual([]);
  });

  test('a failed run reports Errors, 429s and retries in its metrics line, and rethrows', async () => {
    // Coupa answers 429 (retried after Retry-After), then 403 (not retried): the run fails.
    sim.control.injectFaults([
      { kind: 'status', status: 429, retryAfterSeconds: 0 },
      { kind: 'status', status: 403 },
    ]);
    settle();
    let thrown: unknown;
    const { output } = await captureOutput(() =>
      handler({}, context('req-err')).catch((error: unknown) => {
        thrown = error;
      }),
    );
    expect((thrown as Error).name).toBe('Coupa.Forbidden');
    const emf = output
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l._aws);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({
      Instance: 'acme',
      Object: 'invoices',
      Errors: 1,
      RateLimited: 1,
      Retries: 1,
    });
    // A failed run has no watermark to report: the behind alarm reads the gap as breaching.
    expect(emf[0]).not.toHaveProperty('WatermarkAgeSeconds');
    expect(await received()).toEqual([]);
  });

  test('a run with little time left stops at its deadline; the next run continues: nothing lost, nothing twice', async () => {
    const ids = [...new Set(sim.control.history('invoices').map((v) => v.id))].slice(0, 55);
    const fromMs = sim.control.clock.now();
    sim.control.touch('invoices', ids.slice(0, 30));
    sim.control.clock.advance(1000);
    sim.control.touch('invoices', ids.slice(20)); // ids 20-29 change again: 20 rows at one second, 35 at the next
    settle();
    const expected = truth('invoices', fromMs, sim.control.clock.now());
    expect(expected).toHaveLength(55);

    // 31 s left: the safety margin (30 s) leaves 1 s, and one page takes 1.5 s: the run publishes the
    // first full page (20 rows of the first second, 30 of the 35-row tie) and stops.
    sim.control.setLatencyMs(1500);
    const first = await invoke(handler, context('req-4', 31_000));
    sim.control.setLatencyMs(0);
    const firstEvents = await received();

    expect(first).toMatchObject({ stoppedBy: 'deadline', requests: 1, published: 50 });
    expect(firstEvents).toHaveLength(50);
    expect(Date.parse(first.watermark)).toBeLessThan(sim.control.clock.now());

    const second = await invoke(handler, context('req-5'));
    const secondEvents = await received();

    expect(second).toMatchObject({ stoppedBy: 'caught-up', published: expected.length - 50 });
    const both = [...versionsOf(firstEvents), ...versionsOf(secondEvents)];
    expect(duplicatesIn(both)).toEqual([]);
    expect(sorted(both)).toEqual(expected);
    expect(duplicatesIn([...published, ...both])).toEqual([]);
    expect(new Set(firstEvents.map((e) => e.detail.metadata.runId))).toEqual(new Set(['req-4']));
    expect(new Set(secondEvents.map((e) => e.detail.metadata.runId))).toEqual(new Set(['req-5']));

    // The checkpoint in DynamoDB holds the cursor at the second run's watermark, and no lease is left behind.
    const item = (await dynamoDbClient().send(new GetItemCommand({ TableName: aws.table, Key: { pk: { S: 'acme:invoices' } } }))).Item!;
    expect(JSON.parse(item.cursor!.S!)).toMatchObject({ watermarkMs: Date.parse(second.watermark) });
    expect(item.leaseOwner).toBeUndefined();
  });

  test('records over the inline limit travel as a claim check in the payload bucket, under the granted prefix', async () => {
    const claimHandler = await loadPollerHandler(
      pollerEnv({
        OBJECT: 'suppliers',
        SINCE: new Date(0).toISOString(),
        INLINE_LIMIT_BYTES: '1024',
        PAYLOAD_PREFIX: 'payloads',
        RETURN_TYPE: 'shallow',
      }),
    );
    const expected = truth('suppliers', 0, sim.control.clock.now() - LAG_SECONDS * 1000);

    const result = await invoke(claimHandler, context('req-6'));

    const events = await received();
    expect(result).toMatchObject({
      object: 'suppliers',
      published: expected.length,
      claimChecked: expected.length,
      stoppedBy: 'caught-up',
    });
    expect(sorted(versionsOf(events))).toEqual(expected);
    const [claimPrefix] = payloadKeyPrefixes('payloads', 'acme', 'suppliers');
    for (const event of events) {
      expect(schemaErrors(event)).toEqual([]);
      const ref = event.detail.dataRef!;
      expect(event.detail.data).toBeUndefined();
      expect(event.detail.metadata.payload).toBe('s3');
      expect(ref.bucket).toBe(aws.bucket);
      expect(ref.key.startsWith(claimPrefix!)).toBe(true);
      const body = await (await s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }))).Body!.transformToString();
      expect(Buffer.byteLength(body)).toBe(ref.bytes);
      expect(createHash('sha256').update(body).digest('hex')).toBe(ref.sha256);
      expect(JSON.parse(body)).toMatchObject({ id: event.detail.metadata.recordId });
    }
  });
});

describe('poller handler with the instance’s rate budget (DynamoDB on moto)', () => {
  test('its Coupa requests draw on the instance’s budget item, and a 429’s Retry-After blocks the whole instance', async () => {
    const budgetTable = await createTable('rate-budget', 'pk');
    const budgeted = await loadPollerHandler(
      pollerEnv({
        CHECKPOINT_TABLE: await createTable('checkpoints-budgeted', 'pk'),
        SINCE: new Date(0).toISOString(),
        RATE_BUDGET_TABLE: budgetTable,
        RATE_BUDGET_RPS: '20',
      }),
    );
    const expected = truth('invoices', 0, sim.control.clock.now() - LAG_SECONDS * 1000);
    expect(expected.length).toBeGreaterThan(50); // more than one page: the requests after the first reserve turns
    sim.control.injectFaults([{ kind: 'status', status: 429, retryAfterSeconds: 1 }]);
    const startedMs = Date.now();

    const result = await invoke(budgeted, context('req-budget'));

    expect(result).toMatchObject({ published: expected.length, stoppedBy: 'caught-up' });
    expect(sorted(versionsOf(await received()))).toEqual(expected);
    const item = (
      await dynamoDbClient().send(new GetItemCommand({ TableName: budgetTable, Key: { pk: { S: 'acme' } }, ConsistentRead: true }))
    ).Item!;
    // Every poller and action of `acme` now waits out the Retry-After, not only this one…
    expect(Number(item.blockedUntil!.N)).toBeGreaterThanOrEqual(startedMs + 1000);
    expect(Number(item.epoch!.N)).toBe(1);
    // …and the turns this run used were reserved in the shared item.
    expect(Number(item.tat!.N)).toBeGreaterThan(startedMs);
  });
});
