// `npm run bench -- --cost`: what a poller costs, from measured counts and durations. The real poller
// handler (its bundle, in its own process: cost-run.ts) runs against the Coupa simulator and moto,
// through a proxy that counts every AWS call (counting-proxy.ts); Coupa requests come from the
// simulator's request log. Runs are one schedule interval apart on both clocks, without waiting.
// The price list is test/bench/prices.ts. Prints figures, not pass/fail.
import { type ChildProcess, spawn } from 'node:child_process';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DEFAULT_SYSTEM_LOG_LEVEL } from '../../infra/HandlerFunction';
import { DEFAULT_POLLER_MEMORY_MB } from '../../infra/validate-pollers';
import { DEFAULT_LAG_SECONDS, POLLER_V8_FLAGS } from '../../shared/changes/poller-rules';
import { startSimulator } from '../../shared/simulator';
import { type InProcessHandler, startLambdaFront } from '../support/lambda-front';
import { eventBridgeClient, motoLambdaEnvironment, s3Client, uniqueName } from '../support/moto/clients';
import { startMoto } from '../support/moto/moto-process';
import { createQueue, createSecret, createTable } from '../support/moto/resources';
import { startCountingProxy } from './counting-proxy';
import { FIXED_PRICES, HOURS_PER_MONTH, LAMBDA_PLATFORM_LOG_BYTES, PRICES } from './prices';
import { bundleForNode } from './processes';

export interface CostOptions {
  /** Simulated Coupa latency per request (ms): what an idle run mostly waits for. */
  readonly latencyMs: number;
  /** Idle runs measured per schedule. */
  readonly idleRuns: number;
  /** Changes in the measured busy run. */
  readonly changes: number;
  /** Objects polled (the issue's 25). */
  readonly objects: number;
  readonly memoryMb: number;
}

export const DEFAULT_COST_OPTIONS: CostOptions = {
  latencyMs: 150,
  idleRuns: 30,
  changes: 2000,
  objects: 25,
  memoryMb: DEFAULT_POLLER_MEMORY_MB,
};

/** What one or more runs used, summed. */
interface Usage {
  runs: number;
  coupaRequests: number;
  billedMs: number;
  dynamoWrites: number;
  /** GetItem calls. */
  dynamoReads: number;
  /** Their read request units (an eventually consistent read is half a unit). */
  dynamoReadUnits: number;
  secretReads: number;
  eventUnits: number;
  s3Puts: number;
  s3Gets: number;
  sqsRequests: number;
  tokenRefreshInvokes: number;
  logBytes: number;
  published: number;
}

const WRITES = ['DynamoDB_20120810.UpdateItem', 'DynamoDB_20120810.PutItem', 'DynamoDB_20120810.DeleteItem'];

/** Lambda's own lines per run, as deployed (START/REPORT are INFO, left out at WARN). */
const platformLogBytes = DEFAULT_SYSTEM_LOG_LEVEL === lambda.SystemLogLevel.WARN ? 0 : LAMBDA_PLATFORM_LOG_BYTES;

/** Dollars for `usage`, by item. */
export function priced(usage: Usage, memoryMb: number): Record<string, number> {
  return {
    lambda: usage.runs * PRICES.lambdaRequest + (usage.billedMs / 1000) * (memoryMb / 1024) * PRICES.lambdaGbSecond,
    tokenRefresh: usage.tokenRefreshInvokes * PRICES.lambdaRequest,
    dynamodb: usage.dynamoWrites * PRICES.dynamoWrite + usage.dynamoReadUnits * PRICES.dynamoRead,
    secretsManager: usage.secretReads * PRICES.secretsManagerCall,
    eventBridge: usage.eventUnits * PRICES.eventBridgeEvent,
    s3: usage.s3Puts * PRICES.s3Put + usage.s3Gets * PRICES.s3Get,
    sqs: usage.sqsRequests * PRICES.sqsRequest,
    logs: ((usage.logBytes + usage.runs * platformLogBytes) / 1024 ** 3) * PRICES.logsIngestedGb,
  };
}

const total = (items: Record<string, number>) => Object.values(items).reduce((a, b) => a + b, 0);

export async function costBench(options: CostOptions = DEFAULT_COST_OPTIONS): Promise<void> {
  process.stderr.write('cost bench: starting moto, the simulator and the poller…\n');
  // A moto already running (MOTO_ENDPOINT, as CI sets it) or our own.
  const moto = process.env.MOTO_ENDPOINT ? undefined : await startMoto({ readyTimeoutMs: 60_000 });
  if (moto) process.env.MOTO_ENDPOINT = moto.endpoint;
  const proxy = await startCountingProxy(process.env.MOTO_ENDPOINT!);
  const sim = await startSimulator({ port: 0, seed: 42, records: { invoices: options.changes }, rateLimit: false });
  let child: ChildProcess | undefined;
  let closeFront: (() => Promise<void>) | undefined;
  try {
    const credentialsArn = await createSecret('coupa-credentials', {
      host: sim.baseUrl,
      grantType: 'client_credentials',
      clientId: 'sim-client',
      clientSecret: 'sim-secret',
      scopes: ['core.common.read', 'core.invoice.read'],
    });
    const tokenArn = await createSecret('coupa-token', { placeholder: 'x' });
    const leaseTable = await createTable('token-lease', 'pk');
    const table = await createTable('checkpoints', 'pk');
    const budgetTable = await createTable('rate-budget', 'pk'); // as deployed: the instance's shared Coupa budget
    const dlq = await createQueue('poller-dlq');
    const bus = uniqueName('coupa-bus');
    await eventBridgeClient().send(new CreateEventBusCommand({ Name: bus }));
    const bucket = uniqueName('coupa-payloads');
    await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));

    // The real token-refresh function, in this process behind a loopback Lambda front (as the tests run it).
    Object.assign(process.env, {
      ...motoLambdaEnvironment(),
      POWERTOOLS_LOG_LEVEL: 'WARN',
      CREDENTIALS_SECRET_ARN: credentialsArn,
      TOKEN_SECRET_ARN: tokenArn,
      TOKEN_LEASE_TABLE: leaseTable,
      COUPA_GRANT_TYPE: 'client_credentials',
    });
    const refresh = (await import('../../functions/token-refresh')) as unknown as { handler: InProcessHandler };
    const front = await startLambdaFront({ 'token-refresh': refresh.handler });
    closeFront = front.close;

    child = spawn(process.execPath, [...POLLER_V8_FLAGS, bundleForNode('cost-run.ts', { minify: true })], {
      stdio: ['pipe', 'pipe', 'inherit', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        ...motoLambdaEnvironment(),
        AWS_ENDPOINT_URL: proxy.endpoint,
        AWS_ENDPOINT_URL_LAMBDA: front.endpoint,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_SERVICE_NAME: 'coupa-poller',
        TOKEN_SECRET_ARN: tokenArn,
        TOKEN_REFRESH_FUNCTION: 'token-refresh',
        OBJECT: 'invoices',
        INSTANCE: 'bench',
        EVENT_BUS_NAME: bus,
        CHECKPOINT_TABLE: table,
        PAYLOAD_BUCKET: bucket,
        DEAD_LETTER_QUEUE_URL: dlq.url,
        LAG_SECONDS: String(DEFAULT_LAG_SECONDS),
        RETURN_TYPE: 'default',
        RATE_BUDGET_TABLE: budgetTable,
      },
    });
    let logBytes = 0;
    (child.stdout as Readable).on('data', (chunk: Buffer) => {
      logBytes += chunk.length;
    });
    const answers = readline.createInterface({ input: child.stdio[3] as Readable });
    const pending: ((line: string) => void)[] = [];
    answers.on('line', (line) => pending.shift()?.(line));
    const exited = new Promise<never>((_, reject) =>
      child!.once('exit', (code) => reject(new Error(`poller process exited with code ${code}`))),
    );

    let clockOffsetMs = 0;
    let n = 0;
    let lastWatermarkMs = 0;
    /** Runs the handler `runs` times, `intervalMs` apart on both clocks; returns what they used. */
    const measure = async (runs: number, intervalMs: number): Promise<Usage> => {
      const before = {
        counts: proxy.snapshot(),
        units: proxy.putEventsUnits.value,
        readUnits: proxy.readUnits.value,
        coupa: coupaRequests(),
        invokes: front.invocations.length,
        logBytes,
      };
      const usage: Usage = { ...EMPTY_USAGE };
      for (let i = 0; i < runs; i++) {
        clockOffsetMs += intervalMs;
        sim.control.clock.advance(intervalMs);
        const answer = new Promise<string>((resolve) => pending.push(resolve));
        child!.stdin!.write(`${JSON.stringify({ runId: `run-${++n}`, clockOffsetMs })}\n`);
        const { durationMs, summary } = JSON.parse(await Promise.race([answer, exited])) as {
          durationMs: number;
          summary: { published: number; watermark: string };
        };
        usage.billedMs += Math.ceil(durationMs);
        usage.published += summary.published;
        lastWatermarkMs = Date.parse(summary.watermark);
      }
      const after = proxy.snapshot();
      const diff = (op: string) => (after[op] ?? 0) - (before.counts[op] ?? 0);
      usage.runs = runs;
      usage.coupaRequests = coupaRequests() - before.coupa;
      usage.dynamoWrites = WRITES.reduce((sum, op) => sum + diff(op), 0);
      usage.dynamoReads = diff('DynamoDB_20120810.GetItem');
      usage.dynamoReadUnits = proxy.readUnits.value - before.readUnits;
      usage.secretReads = diff('secretsmanager.GetSecretValue');
      usage.eventUnits = proxy.putEventsUnits.value - before.units;
      usage.s3Puts = diff('s3:PUT');
      usage.s3Gets = diff('s3:GET');
      usage.sqsRequests = diff('AmazonSQS.SendMessage') + diff('AmazonSQS.SendMessageBatch');
      usage.tokenRefreshInvokes = front.invocations.length - before.invokes;
      usage.logBytes = logBytes - before.logBytes;
      return usage;
    };
    const coupaRequests = () => sim.control.requests.filter((r) => r.path.startsWith('/api/')).length;

    sim.control.setLatencyMs(options.latencyMs);
    const cold = await measure(1, 60_000); // the first run: token fetched, cursor created
    const idle1 = await measure(options.idleRuns, 60_000);
    const idle5 = await measure(options.idleRuns, 5 * 60_000);

    // A burst of changes, ten per second, all settled by the next run.
    const spanMs = Math.ceil(options.changes / 10) * 1000;
    const firstAt = Math.floor(lastWatermarkMs / 1000) * 1000 + 1000;
    sim.control.clock.advance(spanMs + 5000);
    clockOffsetMs += spanMs + 5000;
    for (let i = 0; i < options.changes; i++) sim.control.touch('invoices', [i + 1], { at: firstAt + Math.floor(i / 10) * 1000 });
    const busy = await measure(1, 1000);
    if (busy.published !== options.changes) throw new Error(`busy run published ${busy.published}, expected ${options.changes}`);

    const perRun = (u: Usage) => (k: keyof Usage) => u[k] / u.runs;
    const i1 = perRun(idle1);
    const runsPerMonth = (intervalMin: number) => (HOURS_PER_MONTH * 60) / intervalMin;
    const idle1Cost = (total(priced(idle1, options.memoryMb)) / idle1.runs) * options.objects * runsPerMonth(1);
    const idle5Cost = (total(priced(idle5, options.memoryMb)) / idle5.runs) * options.objects * runsPerMonth(5);
    const perMillion = (total(priced(busy, options.memoryMb)) / options.changes) * 1e6;

    const fmt = (n: number, d = 2) => n.toFixed(d);
    console.log(
      `idle requests/run=${fmt(i1('coupaRequests'))} writes/run=${fmt(i1('dynamoWrites'))} duration-ms=${fmt(i1('billedMs'), 0)}`,
    );
    console.log(`cost idle-25x1min=$${fmt(idle1Cost)} idle-25x5min=$${fmt(idle5Cost)} per-million-changes=$${fmt(perMillion)}`);

    // The model behind the two lines, for the README and for anyone checking it.
    const describe = (name: string, u: Usage) =>
      `  ${name.padEnd(14)} runs=${u.runs} coupa=${fmt(u.coupaRequests / u.runs)} ddb-writes=${fmt(u.dynamoWrites / u.runs)} ` +
      `ddb-reads=${fmt(u.dynamoReads / u.runs)} (units ${fmt(u.dynamoReadUnits / u.runs)}) secret-reads=${fmt(u.secretReads / u.runs)} event-units=${fmt(u.eventUnits / u.runs)} ` +
      `s3-puts=${fmt(u.s3Puts / u.runs)} token-invokes=${fmt(u.tokenRefreshInvokes / u.runs)} ms=${fmt(u.billedMs / u.runs, 0)} ` +
      `log-bytes=${fmt(u.logBytes / u.runs, 0)}  (per run)`;
    process.stderr.write(
      `\nmodel: ${options.objects} objects, ${options.memoryMb} MB arm64, Coupa latency ${options.latencyMs} ms/request, ` +
        `lagSeconds ${DEFAULT_LAG_SECONDS}, Lambda's own log lines ${platformLogBytes} bytes/run (system log level ${DEFAULT_SYSTEM_LOG_LEVEL}), ` +
        `${HOURS_PER_MONTH} h/month, prices in test/bench/prices.ts\n` +
        `${describe('first run', cold)}\n${describe('idle 1 min', idle1)}\n${describe('idle 5 min', idle5)}\n` +
        `${describe(`busy ${options.changes}`, busy)}\n`,
    );
    const items = (u: Usage, scale: number) =>
      Object.entries(priced(u, options.memoryMb))
        .filter(([, v]) => v > 0)
        .map(([k, v]) => `${k}=$${fmt(v * scale)}`)
        .join(' ');
    process.stderr.write(
      `  time upstream (moto), whole bench: ${[...proxy.upstreamMs].map(([op, ms]) => `${op}=${fmt(ms / (proxy.counts.get(op) ?? 1), 0)}ms/call`).join(' ')}\n`,
    );
    process.stderr.write(`  idle-25x1min   ${items(idle1, (options.objects * runsPerMonth(1)) / idle1.runs)}\n`);
    process.stderr.write(`  idle-25x5min   ${items(idle5, (options.objects * runsPerMonth(5)) / idle5.runs)}\n`);
    process.stderr.write(`  per-million    ${items(busy, 1e6 / options.changes)}\n`);
    process.stderr.write(
      `  fixed/month (not per run): custom metric $${FIXED_PRICES.customMetric} each, alarm $${FIXED_PRICES.alarm}, ` +
        `dashboard $${FIXED_PRICES.dashboard}, secret $${FIXED_PRICES.secret} (README, "Operating")\n`,
    );
  } finally {
    child?.stdin?.end();
    child?.kill();
    await closeFront?.();
    await sim.close();
    await proxy.close();
    moto?.child.kill();
  }
}

const EMPTY_USAGE: Usage = {
  runs: 0,
  coupaRequests: 0,
  billedMs: 0,
  dynamoWrites: 0,
  dynamoReads: 0,
  dynamoReadUnits: 0,
  secretReads: 0,
  eventUnits: 0,
  s3Puts: 0,
  s3Gets: 0,
  sqsRequests: 0,
  tokenRefreshInvokes: 0,
  logBytes: 0,
  published: 0,
};
