// `npm run bench -- --fleet N`: N pollers as separate processes, backfilling N different objects at once
// against the simulator's instance-wide limit (25 requests/s), first drawing on one shared budget in
// DynamoDB (on moto, started here on a free loopback port and stopped by PID), then as before the budget
// (each poller capped at 15 requests/s on its own). Prints one line per run:
//   fleet pollers=N budget=B records/s=R requests/s=Q 429s=K
//   fleet-baseline pollers=N cap=15/poller records/s=R requests/s=Q 429s=K
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_REQUESTS_PER_SECOND } from '../../shared/budget/bucket';
import { startMoto, stopMoto } from '../support/moto/moto-process';
import { bundleForNode, firstLine, TSX } from './processes';

/** Objects backfilled side by side, one per poller. */
const FLEET_OBJECTS = ['invoices', 'purchase_orders', 'suppliers', 'requisitions', 'expense_reports', 'users', 'contracts', 'items'];

export interface FleetOptions {
  readonly pollers: number;
  /** The budget, requests/s. @default 20 */
  readonly budget?: number;
  /** Records to backfill in all, split between the objects. @default budget × 50 × 25 s */
  readonly records?: number;
}

interface RunFigures {
  readonly object: string;
  readonly records: number;
  readonly apiRequests: number;
  readonly rateLimited: number;
  readonly startedMs: number;
  readonly endedMs: number;
  readonly runs: number;
  readonly failedRuns: number;
  readonly budgetWrites: number;
}

async function runFleet(runner: string, args: (object: string) => string[], objects: readonly string[]): Promise<RunFigures[]> {
  return Promise.all(
    objects.map(async (object) => {
      const child = spawn(process.execPath, [runner, ...args(object)], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = once(child, 'exit');
      const line = await firstLine(child, `fleet poller (${object})`);
      await exited;
      return JSON.parse(line) as RunFigures;
    }),
  );
}

function summary(runs: readonly RunFigures[]) {
  const seconds = (Math.max(...runs.map((r) => r.endedMs)) - Math.min(...runs.map((r) => r.startedMs))) / 1000;
  const sum = (f: (r: RunFigures) => number) => runs.reduce((n, r) => n + f(r), 0);
  return {
    seconds,
    recordsPerSecond: sum((r) => r.records) / seconds,
    requestsPerSecond: sum((r) => r.apiRequests) / seconds,
    rateLimited: sum((r) => r.rateLimited),
    failedRuns: sum((r) => r.failedRuns),
    budgetWrites: sum((r) => r.budgetWrites),
    records: sum((r) => r.records),
  };
}

export async function fleet(options: FleetOptions): Promise<void> {
  const n = options.pollers;
  if (!Number.isInteger(n) || n < 1 || n > FLEET_OBJECTS.length) throw new Error(`--fleet takes 1 to ${FLEET_OBJECTS.length} pollers`);
  const budget = options.budget ?? DEFAULT_REQUESTS_PER_SECOND;
  const objects = FLEET_OBJECTS.slice(0, n);
  const perObject = Math.ceil((options.records ?? budget * 50 * 25) / n);
  process.stderr.write(
    `\n== fleet: ${n} poller(s), ${perObject} changed records each of ${objects.join(', ')} (starting simulator and moto…)\n`,
  );
  const runner = bundleForNode('fleet-run.ts');
  // moto first: the simulator's start (generating the records) would slow its own.
  const moto = await startMoto({ readyTimeoutMs: 60_000 });
  const sim = spawn(TSX, [path.join(__dirname, 'fleet-simulator.ts'), '--objects', objects.join(','), '--records', String(perObject)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const { baseUrl, sinceMs } = JSON.parse(await firstLine(sim, 'fleet simulator')) as { baseUrl: string; sinceMs: number };
    const table = `rate-budget-${randomUUID().slice(0, 8)}`;
    await new DynamoDBClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    }).send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const common = (object: string) => ['--url', baseUrl, '--since', String(sinceMs), '--object', object];
    const instance = `fleet-${randomUUID().slice(0, 8)}`;
    const shared = summary(
      await runFleet(
        runner,
        (object) => [
          ...common(object),
          '--mode',
          'budget',
          '--moto',
          moto.endpoint,
          '--table',
          table,
          '--instance',
          instance,
          '--rps',
          String(budget),
        ],
        objects,
      ),
    );
    console.log(
      `fleet pollers=${n} budget=${budget} records/s=${shared.recordsPerSecond.toFixed(0)} requests/s=${shared.requestsPerSecond.toFixed(1)} 429s=${shared.rateLimited}`,
    );
    process.stderr.write(
      `   ${shared.records} records in ${shared.seconds.toFixed(1)} s, ${shared.budgetWrites} budget writes, ${shared.failedRuns} failed runs; target: 429s=0 and records/s ≥ ${0.9 * budget * 50}\n`,
    );
    const capped = summary(await runFleet(runner, (object) => [...common(object), '--mode', 'cap'], objects));
    console.log(
      `fleet-baseline pollers=${n} cap=15/poller records/s=${capped.recordsPerSecond.toFixed(0)} requests/s=${capped.requestsPerSecond.toFixed(1)} 429s=${capped.rateLimited}`,
    );
    process.stderr.write(`   ${capped.records} records in ${capped.seconds.toFixed(1)} s, ${capped.failedRuns} failed runs\n`);
  } finally {
    sim.kill();
    await stopMoto(moto);
  }
}
