// The real action handler module (functions/action.ts), invoked in-process as Lambda would, against moto
// (Secrets Manager token and credentials, the DynamoDB idempotency table, the S3 claim-check bucket)
// and the Coupa simulator. The SDK clients inside the handler find moto through AWS_ENDPOINT_URL alone.
import { loadHandler } from '../support/lambda-handler';
import { CreateTableCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { createHash, randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { dynamoDbClient, motoLambdaEnvironment, s3Client, secretsManagerClient, uniqueName } from '../support/moto/clients';
import { createTable } from '../support/moto/resources';
import { startTokenRefresher, type TokenRefresherUnderTest } from '../support/token-refresher';
import { startSimulator, type Simulator } from '../../shared/simulator';

jest.setTimeout(60_000);

const CLIENT_ID = 'action-test-client';
const CLIENT_SECRET = 'action-sim-secret-9c2f1a'; // must never show up in results or errors

type Handler = (event: unknown, context: Context) => Promise<any>;

const sm = secretsManagerClient();
const ddb = dynamoDbClient();
const s3 = s3Client();
let sim: Simulator;
let aws: { credentialsArn: string; tokenArn: string; table: string; bucket: string; sources: string };
let handler: Handler;
// The real token-refresh function, invoked by the action through the Lambda API (test/support/token-refresher.ts).
let refresher: TokenRefresherUnderTest;
const savedEnv = { ...process.env };

const context = (requestId = uniqueName('req'), remainingMs = 60_000) =>
  ({
    functionName: 'coupa-action',
    awsRequestId: requestId,
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:coupa-action',
    memoryLimitInMB: '512',
    functionVersion: '$LATEST',
    getRemainingTimeInMillis: () => remainingMs,
  }) as unknown as Context;

/** The environment CoupaConnector gives the action function (infra/Actions.ts), pointed at moto and the simulator. */
const actionEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  ...motoLambdaEnvironment(),
  POWERTOOLS_LOG_LEVEL: 'WARN',
  ...refresher.consumerEnv,
  INSTANCE: 'acme',
  IDEMPOTENCY_TABLE: aws.table,
  IDEMPOTENCY_EXPIRY_SECONDS: '86400',
  PAYLOAD_BUCKET: aws.bucket,
  ATTACHMENT_SOURCE_BUCKETS: aws.sources,
  ...extra,
});

const ACTION_KEYS = [
  'INSTANCE',
  'IDEMPOTENCY_TABLE',
  'IDEMPOTENCY_EXPIRY_SECONDS',
  'PAYLOAD_BUCKET',
  'PAYLOAD_PREFIX',
  'RESULT_INLINE_LIMIT_BYTES',
  'EVENT_BUS_NAME',
  'EVENT_SOURCE',
  'ATTACHMENT_SOURCE_BUCKETS',
  'RATE_BUDGET_TABLE',
  'RATE_BUDGET_RPS',
];

/** Imports a fresh handler module with this environment, as a cold start would. */
const loadActionHandler = (env: Record<string, string>) => loadHandler<Handler>(() => import('../../functions/action'), env, ACTION_KEYS);

/** What the Lambda runtime reports for a thrown error (the Step Functions Error/Cause come from it). */
async function lambdaError(promise: Promise<unknown>): Promise<{ errorType: string; errorMessage: string }> {
  try {
    await promise;
  } catch (e) {
    const error = e as Error;
    return { errorType: error.name, errorMessage: error.message };
  }
  throw new Error('expected the invocation to fail');
}

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    seed: 21,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    records: { suppliers: 20, approvals: 20 },
    rateLimit: false,
    enforceScopes: false,
  });
  const secret = async (prefix: string, value: unknown) =>
    (await sm.send(new CreateSecretCommand({ Name: uniqueName(prefix), SecretString: JSON.stringify(value) }))).ARN!;
  const credentialsArn = await secret('coupa-credentials', {
    host: sim.baseUrl,
    grantType: 'client_credentials',
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scopes: [],
  });
  const tokenArn = await secret('coupa-token', { note: 'written by the token-refresh function', placeholder: 'x' });
  // What infra/Actions.ts deploys: partition key `id` (Powertools' default), TTL on `expiration`.
  const table = uniqueName('idempotency');
  await ddb.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const bucket = uniqueName('coupa-payloads');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const scans = uniqueName('coupa-scans');
  await s3.send(new CreateBucketCommand({ Bucket: scans }));
  aws = { credentialsArn, tokenArn, table, bucket, sources: scans };
  refresher = await startTokenRefresher({
    CREDENTIALS_SECRET_ARN: credentialsArn,
    TOKEN_SECRET_ARN: tokenArn,
    COUPA_GRANT_TYPE: 'client_credentials',
  });
  handler = await loadActionHandler(actionEnv());
});
afterAll(async () => {
  await refresher?.front.close();
  await sim?.close();
  process.env = savedEnv;
});

const supplierCount = () => sim.control.list('suppliers').length;
const writesTo = (path: RegExp) => sim.control.requests.filter((r) => r.method !== 'GET' && path.test(r.path));
const idempotencyItems = async () => (await ddb.send(new ScanCommand({ TableName: aws.table, ConsistentRead: true }))).Items ?? [];

describe('action handler against moto and the simulator', () => {
  test('get: the record as Coupa returned it, plus object and id; reads leave no idempotency record', async () => {
    const before = (await idempotencyItems()).length;
    const result = await handler({ action: 'get', object: 'suppliers', id: 3, idempotencyKey: 'reads-are-never-cached' }, context());
    expect(result).toMatchObject({ object: 'suppliers', id: 3, record: { id: 3, name: sim.control.get('suppliers', 3)!.name } });
    expect(result.record['custom-fields']).toBeDefined(); // dashed keys, custom fields included
    expect((await idempotencyItems()).length).toBe(before);
  });

  test('the nested form {action, input} works too', async () => {
    const result = await handler({ action: 'get', input: { object: 'suppliers', id: 4, fields: ['id', 'name'] } }, context());
    expect(result.record).toEqual({ id: 4, name: sim.control.get('suppliers', 4)!.name });
  });

  test('create twice with the same idempotencyKey: one record in Coupa, the same result twice', async () => {
    const before = supplierCount();
    const event = {
      action: 'create',
      object: 'suppliers',
      data: { name: 'Idempotent Supplies Ltd' },
      idempotencyKey: uniqueName('create'),
    };
    const first = await handler(event, context());
    const second = await handler(event, context());
    expect(first).toMatchObject({ object: 'suppliers', id: expect.any(Number), record: { name: 'Idempotent Supplies Ltd' } });
    expect(second).toEqual(first);
    expect(supplierCount()).toBe(before + 1);
    expect(sim.control.list('suppliers').filter((s) => s.name === 'Idempotent Supplies Ltd')).toHaveLength(1);
    // Recorded for the expiry (24 h), completed, keyed by action, object and key (hashed).
    const items = await idempotencyItems();
    const item = items.find((i) => i.status?.S === 'COMPLETED');
    expect(item).toBeDefined();
    expect(item!.id!.S).toMatch(/^coupa-action:acme#/);
    expect(Number(item!.expiration!.N) - Date.now() / 1000).toBeGreaterThan(86_400 - 60);
  });

  test('two identical creates at the same time: one reaches Coupa, both get its result', async () => {
    const before = supplierCount();
    const requestsBefore = writesTo(/^\/api\/suppliers$/).length;
    const event = {
      action: 'create',
      object: 'suppliers',
      data: { name: 'Concurrent Widgets GmbH' },
      idempotencyKey: uniqueName('concurrent'),
    };
    sim.control.setLatencyMs(300); // the first is surely still in progress when the second arrives
    const [a, b] = await Promise.all([handler(event, context()), handler(event, context())]).finally(() => sim.control.setLatencyMs(0));
    expect(a).toEqual(b);
    expect(supplierCount()).toBe(before + 1);
    expect(writesTo(/^\/api\/suppliers$/).length).toBe(requestsBefore + 1);
  });

  test('a duplicate that cannot wait for the first fails as Coupa.Transient; its retry gets the stored result', async () => {
    const before = supplierCount();
    const event = {
      action: 'create',
      object: 'suppliers',
      data: { name: 'Slow Coupa Partners' },
      idempotencyKey: uniqueName('in-progress'),
    };
    sim.control.setLatencyMs(1_500);
    try {
      const first = handler(event, context());
      // Once the first holds its in-progress record (it then waits 1.5 s for Coupa):
      for (let i = 0; i < 100 && !(await idempotencyItems()).some((item) => item.status?.S === 'INPROGRESS'); i++)
        await new Promise((r) => setTimeout(r, 20));
      // 3.5 s left in this invocation: 0.5 s of waiting, then it must answer.
      const duplicate = await lambdaError(handler(event, context(uniqueName('req'), 3_500)));
      expect(duplicate.errorType).toBe('Coupa.Transient');
      expect(duplicate.errorMessage).toMatch(
        /identical create of suppliers with idempotencyKey "in-progress-[0-9a-f]+" is still in progress; retry/,
      );
      const result = await first;
      expect(await handler(event, context())).toEqual(result);
    } finally {
      sim.control.setLatencyMs(0);
    }
    expect(supplierCount()).toBe(before + 1);
  });

  test('a create whose answer is lost after Coupa applied it fails as Coupa.UnknownOutcome; the idempotency record keeps that, so a retry sends nothing', async () => {
    const before = supplierCount();
    const posts = () => writesTo(/^\/api\/suppliers$/).length;
    const postsBefore = posts();
    const event = { action: 'create', object: 'suppliers', data: { name: 'Unknown Outcome AG' }, idempotencyKey: uniqueName('lost') };
    sim.control.injectFaults([{ kind: 'reset', method: 'POST', path: '/api/suppliers', afterApply: true }]);
    const first = await lambdaError(handler(event, context()));
    expect(first.errorType).toBe('Coupa.UnknownOutcome');
    const retried = await lambdaError(handler(event, context())); // a Step Functions Retry that listed it anyway, or a person
    expect(retried.errorType).toBe('Coupa.UnknownOutcome');
    expect(retried.errorMessage).toMatch(/idempotencyKey "lost-[0-9a-f]+" had an unknown outcome at .* not sent again; check Coupa/);
    expect(posts()).toBe(postsBefore + 1);
    expect(supplierCount()).toBe(before + 1);
  });

  test('update sets a custom field; a special action (approve) moves an approval on', async () => {
    const updated = await handler(
      {
        action: 'update',
        object: 'suppliers',
        id: 5,
        data: { 'custom-fields': { 'cf-integration-status': 'synced' } },
        idempotencyKey: uniqueName('update'),
      },
      context(),
    );
    expect(updated).toMatchObject({ object: 'suppliers', id: 5 });
    expect((sim.control.get('suppliers', 5)!['custom-fields'] as Record<string, unknown>)['cf-integration-status']).toBe('synced');

    const pending = sim.control.list('approvals').find((a) => a.status === 'pending');
    expect(pending).toBeDefined();
    const approved = await handler(
      { action: 'approve', object: 'approvals', id: pending!.id, idempotencyKey: uniqueName('approve') },
      context(),
    );
    expect(approved).toMatchObject({ object: 'approvals', id: pending!.id, record: { status: 'approved' } });
    expect(sim.control.get('approvals', pending!.id as number)!.status).toBe('approved');
  });

  test('metrics: each action counts with its duration by Instance and Action; a failure adds ActionErrors by its name', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    });
    try {
      await handler({ action: 'get', object: 'suppliers', id: 3 }, context());
      await lambdaError(handler({ action: 'create', object: 'suppliers', data: { 'display-name': 'no name' } }, context()));
    } finally {
      spy.mockRestore();
    }
    const emf = lines.map((l) => JSON.parse(l) as Record<string, any>).filter((l) => l._aws);
    const dimensionsOf = (l: Record<string, any>) => l._aws.CloudWatchMetrics[0].Dimensions;
    expect(emf).toContainEqual(
      expect.objectContaining({ Instance: 'acme', Action: 'get', Actions: 1, ActionDurationMs: expect.any(Number) }),
    );
    expect(emf).toContainEqual(expect.objectContaining({ Instance: 'acme', Action: 'create', Actions: 1 }));
    const errors = emf.filter((l) => l.ActionErrors !== undefined);
    expect(errors).toEqual([expect.objectContaining({ Instance: 'acme', Action: 'create', Error: 'Coupa.Validation', ActionErrors: 1 })]);
    expect(dimensionsOf(errors[0]!)).toEqual([['Instance', 'Action', 'Error']]);
    for (const line of emf.filter((l) => l.Actions !== undefined)) {
      expect(dimensionsOf(line)).toEqual([['Instance', 'Action']]);
      expect(line._aws.CloudWatchMetrics[0].Namespace).toBe('CoupaConnector');
    }
  });

  test("Coupa's validation error surfaces as Coupa.Validation with Coupa's field message, nothing recorded", async () => {
    const key = uniqueName('invalid');
    const error = await lambdaError(
      handler({ action: 'create', object: 'suppliers', data: { 'display-name': 'no name' }, idempotencyKey: key }, context()),
    );
    expect(error.errorType).toBe('Coupa.Validation');
    expect(error.errorMessage).toMatch(/can't be blank/);
    // Failures are not recorded: the repeat reaches Coupa again (and is refused again), it is not answered from a record.
    const refusedBefore = writesTo(/^\/api\/suppliers$/).filter((r) => r.status === 422 || r.status === 400).length;
    const again = await lambdaError(
      handler({ action: 'create', object: 'suppliers', data: { 'display-name': 'no name' }, idempotencyKey: key }, context()),
    );
    expect(again.errorType).toBe('Coupa.Validation');
    expect(writesTo(/^\/api\/suppliers$/).filter((r) => r.status === 422 || r.status === 400).length).toBe(refusedBefore + 1);
  });

  test('invalid input is refused before any request leaves', async () => {
    const before = sim.control.requests.length;
    const error = await lambdaError(handler({ action: 'update', object: 'suppliers', id: -4, data: { name: 'x' } }, context()));
    expect(error.errorType).toBe('Coupa.Validation');
    expect(error.errorMessage).toMatch(/id/);
    expect((await lambdaError(handler({ object: 'suppliers' }, context()))).errorType).toBe('Coupa.Validation');
    expect((await lambdaError(handler('get', context()))).errorType).toBe('Coupa.Validation');
    expect(sim.control.requests.length).toBe(before);
  });

  test('the same key with a different input is refused as Coupa.Validation', async () => {
    const key = uniqueName('reuse');
    await handler(
      { action: 'update', object: 'suppliers', id: 6, data: { 'custom-fields': { 'cf-cost-center': 'CC-1' } }, idempotencyKey: key },
      context(),
    );
    const error = await lambdaError(
      handler(
        { action: 'update', object: 'suppliers', id: 6, data: { 'custom-fields': { 'cf-cost-center': 'CC-2' } }, idempotencyKey: key },
        context(),
      ),
    );
    expect(error.errorType).toBe('Coupa.Validation');
    expect(error.errorMessage).toMatch(/idempotencyKey .* already used .* different input/);
    expect((sim.control.get('suppliers', 6)!['custom-fields'] as Record<string, unknown>)['cf-cost-center']).toBe('CC-1');
  });

  test('a write that failed for sure (rate-limited: not processed) is not recorded as done: its retry with the same key reaches Coupa', async () => {
    const before = supplierCount();
    const event = { action: 'create', object: 'suppliers', data: { name: 'Retry After Fault Inc' }, idempotencyKey: uniqueName('fault') };
    sim.control.injectFaults([{ kind: 'status', status: 429, retryAfterSeconds: 120, method: 'POST', path: '/api/suppliers' }]);
    const error = await lambdaError(handler(event, context()));
    expect(error.errorType).toBe('Coupa.RateLimited');
    expect(supplierCount()).toBe(before);
    const retried = await handler(event, context());
    expect(retried).toMatchObject({ object: 'suppliers', record: { name: 'Retry After Fault Inc' } });
    expect(supplierCount()).toBe(before + 1);
  });

  test('a 429 Coupa asks to wait long for surfaces as Coupa.RateLimited (for the state machine to wait)', async () => {
    sim.control.injectFaults([{ kind: 'status', status: 429, retryAfterSeconds: 120, path: '/api/suppliers' }]);
    const error = await lambdaError(handler({ action: 'get', object: 'suppliers', id: 2 }, context()));
    expect(error.errorType).toBe('Coupa.RateLimited');
  });

  describe('with little of the invocation left (its deadline less the 5 s reserve)', () => {
    const requestsTo = (method: string, path: string) => sim.control.requests.filter((r) => r.method === method && r.path === path).length;

    test('a GET facing a 503 that asks for a longer wait than is left fails early as Coupa.Transient, after one attempt', async () => {
      const before = requestsTo('GET', '/api/suppliers/5');
      sim.control.injectFaults([{ kind: 'status', status: 503, retryAfterSeconds: 4, path: '/api/suppliers/5' }]);
      // 7 s left: 2 s for Coupa, too little for a 4 s wait and another attempt.
      const error = await lambdaError(handler({ action: 'get', object: 'suppliers', id: 5 }, context(uniqueName('req'), 7_000)));
      expect(error.errorType).toBe('Coupa.Transient'); // listed in the state machine's Retry, unlike Sandbox.Timedout
      expect(error.errorMessage).toMatch(/HTTP 503.*retries stopped early: the caller's deadline was near/);
      expect(requestsTo('GET', '/api/suppliers/5')).toBe(before + 1);
      // With the whole minute left, the same fault is waited out.
      sim.control.injectFaults([{ kind: 'status', status: 503, retryAfterSeconds: 1, path: '/api/suppliers/5' }]);
      await expect(handler({ action: 'get', object: 'suppliers', id: 5 }, context())).resolves.toMatchObject({ id: 5 });
    });

    test('a create cut off by the deadline after it was sent is Coupa.UnknownOutcome, kept for its idempotencyKey', async () => {
      const posts = () => requestsTo('POST', '/api/suppliers');
      const postsBefore = posts();
      const event = { action: 'create', object: 'suppliers', data: { name: 'Deadline Cut GmbH' }, idempotencyKey: uniqueName('deadline') };
      sim.control.injectFaults([{ kind: 'delay', ms: 4_000, method: 'POST', path: '/api/suppliers' }]);
      // 7 s left: the POST gets 2 s, Coupa takes 4.
      const first = await lambdaError(handler(event, context(uniqueName('req'), 7_000)));
      expect(first.errorType).toBe('Coupa.UnknownOutcome');
      expect(first.errorMessage).toMatch(/within \d+ ms, the time left before the caller's deadline/);
      const retried = await lambdaError(handler(event, context()));
      expect(retried.errorType).toBe('Coupa.UnknownOutcome');
      expect(posts()).toBe(postsBefore + 1);
    });

    test('with less than the reserve left, nothing is sent: Coupa.Transient', async () => {
      const before = sim.control.requests.length;
      const error = await lambdaError(
        handler({ action: 'create', object: 'suppliers', data: { name: 'Never Sent Ltd' } }, context(uniqueName('req'), 4_000)),
      );
      expect(error.errorType).toBe('Coupa.Transient');
      expect(error.errorMessage).toMatch(/was not sent/);
      expect(sim.control.requests.slice(before).filter((r) => r.path.startsWith('/api/'))).toEqual([]);
    });
  });

  test('errors and results never carry a secret', async () => {
    const outputs: unknown[] = [];
    outputs.push(await handler({ action: 'get', object: 'suppliers', id: 7 }, context()));
    outputs.push(await lambdaError(handler({ action: 'get', object: 'suppliers', id: 999_999 }, context())));
    sim.control.revokeTokens();
    outputs.push(await handler({ action: 'get', object: 'suppliers', id: 8 }, context())); // 401 → one refresh
    const text = JSON.stringify(outputs);
    expect(text).toContain('Coupa.NotFound');
    expect(text).not.toContain(CLIENT_SECRET);
    expect(text).not.toMatch(/Bearer|access_token/i);
  });

  test('results over RESULT_INLINE_LIMIT_BYTES come back as a claim check in S3', async () => {
    const small = await loadActionHandler(actionEnv({ RESULT_INLINE_LIMIT_BYTES: '2048', PAYLOAD_PREFIX: 'coupa' }));
    const result = await small({ action: 'query', object: 'suppliers', query: { limit: 10 } }, context());
    expect(result).toMatchObject({
      object: 'suppliers',
      count: 10,
      truncated: true,
      nextOffset: 10,
      truncatedBy: 'limit',
      payload: 's3',
      resultRef: {
        bucket: aws.bucket,
        key: expect.stringMatching(/^coupa\/actions\/acme\/suppliers\/\d{4}-\d{2}-\d{2}\/[0-9a-f-]+\.json$/),
      },
    });
    const stored = await s3.send(new GetObjectCommand({ Bucket: result.resultRef.bucket, Key: result.resultRef.key }));
    const body = JSON.parse(await stored.Body!.transformToString());
    expect(body).toMatchObject({ object: 'suppliers', count: 10, truncated: true });
    expect(body.records).toHaveLength(10);
    expect(Buffer.byteLength(JSON.stringify(body))).toBe(result.resultRef.bytes);
  });

  describe('files', () => {
    const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    const scan = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300_000)]);
    const stored = async (ref: { bucket: string; key: string }) =>
      Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }))).Body!.transformToByteArray());

    test('attach reads the file from a source bucket and uploads it once per idempotencyKey; its download is claim-checked to S3 byte for byte', async () => {
      await s3.send(new PutObjectCommand({ Bucket: aws.sources, Key: 'inbox/INV-2 scan.pdf', Body: scan, ContentType: 'application/pdf' }));
      const event = {
        action: 'attach',
        object: 'invoices',
        id: 2,
        file: { s3: { bucket: aws.sources, key: 'inbox/INV-2 scan.pdf' } },
        idempotencyKey: uniqueName('attach'),
      };
      const first = await handler(event, context());
      expect(first).toMatchObject({
        object: 'invoices',
        id: 2,
        attachment: { id: expect.any(Number), 'file-file-name': 'INV-2 scan.pdf', 'file-content-type': 'application/pdf' },
        file: { filename: 'INV-2 scan.pdf', contentType: 'application/pdf', bytes: scan.length, sha256: sha256(scan) },
      });
      expect(await handler(event, context())).toEqual(first); // answered from the idempotency record
      expect(writesTo(/^\/api\/invoices\/2\/attachments$/)).toHaveLength(1);

      const download = await handler(
        { action: 'request', method: 'GET', path: `invoices/2/attachments/${first.attachment.id}/download` },
        context(),
      );
      expect(download).toEqual({
        status: 200,
        file: {
          bucket: aws.bucket,
          key: expect.stringMatching(/^actions\/acme\/request\/\d{4}-\d{2}-\d{2}\/[0-9a-f-]{36}\.pdf$/),
          bytes: scan.length,
          sha256: sha256(scan),
          contentType: 'application/pdf',
        },
      });
      expect(sha256(await stored(download.file))).toBe(sha256(scan));
    });

    test('a file under the payload bucket can be attached too (the connector reads its own bucket)', async () => {
      await s3.send(new PutObjectCommand({ Bucket: aws.bucket, Key: 'attachments/po-1.png', Body: scan.subarray(0, 1000) }));
      const result = await handler(
        { action: 'attach', object: 'purchase_orders', id: 1, file: { s3: { bucket: aws.bucket, key: 'attachments/po-1.png' } } },
        context(),
      );
      expect(result).toMatchObject({ file: { filename: 'po-1.png', contentType: 'image/png', bytes: 1000 } }); // type by extension: S3 said octet-stream
    });

    test('a file that cannot be read, or from a bucket that is no source, fails as Coupa.Validation before Coupa is called', async () => {
      const before = sim.control.requests.length;
      const attach = (file: unknown) => lambdaError(handler({ action: 'attach', object: 'invoices', id: 2, file }, context()));
      expect(await attach({ s3: { bucket: aws.sources, key: 'inbox/missing.pdf' } })).toMatchObject({
        errorType: 'Coupa.Validation',
        errorMessage: expect.stringMatching(/cannot read s3:\/\/.*inbox\/missing\.pdf \(NoSuchKey/),
      });
      expect(await attach({ s3: { bucket: 'someone-elses-bucket', key: 'a.pdf' } })).toMatchObject({
        errorType: 'Coupa.Validation',
        errorMessage: expect.stringMatching(/not an attachment source/),
      });
      expect(await attach({ path: '/etc/passwd' })).toMatchObject({
        errorType: 'Coupa.Validation',
        errorMessage: expect.stringMatching(/file.path is for the CLI/),
      });
      expect(sim.control.requests.length).toBe(before);
    });

    test('a legal invoice PDF (request of a file endpoint) is stored in S3 with its content type', async () => {
      const result = await handler({ action: 'request', method: 'GET', path: 'invoices/3/retrieve_legal_invoice_pdf' }, context());
      expect(result).toMatchObject({ status: 200, file: { bucket: aws.bucket, contentType: 'application/pdf' } });
      const object = await s3.send(new GetObjectCommand({ Bucket: aws.bucket, Key: result.file.key }));
      expect(object.ContentType).toBe('application/pdf');
      expect(
        Buffer.from(await object.Body!.transformToByteArray())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
    });
  });
});

describe('action handler with the instance’s rate budget (DynamoDB on moto)', () => {
  test('while a 429 blocks the instance past the deadline, a create fails Coupa.RateLimited unsent: nothing reaches Coupa', async () => {
    const budgetTable = await createTable('rate-budget', 'pk');
    // What another function of `acme` left after Coupa answered 429 with a long Retry-After.
    const blockedUntil = Date.now() + 10 * 60_000;
    await ddb.send(
      new PutItemCommand({
        TableName: budgetTable,
        Item: {
          pk: { S: 'acme' },
          tat: { N: '0' },
          rate: { N: '10' },
          rateAt: { N: String(Date.now()) },
          blockedUntil: { N: String(blockedUntil) },
          epoch: { N: '1' },
        },
      }),
    );
    const budgeted = await loadActionHandler(actionEnv({ RATE_BUDGET_TABLE: budgetTable, RATE_BUDGET_RPS: '20' }));
    const before = sim.control.requests.filter((r) => r.path.startsWith('/api/')).length;
    const suppliers = supplierCount();

    const error = await lambdaError(
      budgeted(
        { action: 'create', object: 'suppliers', data: { name: 'Blocked Budget Ltd' }, idempotencyKey: uniqueName('blocked') },
        context(uniqueName('req'), 30_000),
      ),
    );

    expect(error.errorType).toBe('Coupa.RateLimited');
    expect(sim.control.requests.filter((r) => r.path.startsWith('/api/')).length).toBe(before);
    expect(supplierCount()).toBe(suppliers);
  });
});
