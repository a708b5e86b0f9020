// `npm run bench`: the poller against the Coupa simulator, and a naive baseline on the same data.
// Prints figures, not pass/fail; the targets are shown beside them.
//   npm run bench -- [--scenarios 10000@100,100000@0] [--object invoices]
//   npm run bench -- --fleet N [--budget 20] [--records 25000]   (fleet.ts: N pollers sharing one rate budget)
//   npm run bench -- --cost [--latency-ms 150]   (cost.ts: idle and per-change cost from measured runs)
//   npm run bench -- --cold-start [--synth-dir cdk.out]   (cold-start.ts: bundle sizes and import times)
//   npm run bench -- --latency [--schedule-seconds 300] [--lag-seconds 120] [--changes-per-minute 30] [--hours 2]
//     (latency.ts: change→event latency p50/p95 on a steady trickle, virtual time)
import { spawn } from 'node:child_process';
import { POLLER_V8_FLAGS } from '../../shared/changes/poller-rules';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { coldStartBench } from './cold-start';
import { costBench, DEFAULT_COST_OPTIONS } from './cost';
import { bundleForNode, firstLine, TSX } from './processes';

let runner: string | undefined;

interface Figures {
  mode: string;
  records: number;
  seconds: number;
  coupaRequests: number;
  putEventsCalls: number;
  checkpointWrites: number;
  peakRssMb: number;
}

async function measure(mode: string, url: string, sinceMs: number, object: string): Promise<Figures> {
  runner ??= bundleForNode('bench-run.ts');
  // Both runs get the poller Lambda's V8 flags, so the figures describe what is deployed.
  const child = spawn(
    process.execPath,
    [...POLLER_V8_FLAGS, runner, '--mode', mode, '--url', url, '--since', String(sinceMs), '--object', object],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = once(child, 'exit');
  const line = await firstLine(child, `bench run (${mode})`);
  await exited;
  return JSON.parse(line) as Figures;
}

const per = (n: number, d: number, unit: number) => (d === 0 ? 0 : (n / d) * unit);
const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function scenario(records: number, latencyMs: number, object: string) {
  process.stderr.write(`\n== ${records} changed ${object}, ${latencyMs} ms per Coupa request (starting simulator…)\n`);
  const sim = spawn(
    TSX,
    [path.join(__dirname, 'bench-simulator.ts'), '--records', String(records), '--latency-ms', String(latencyMs), '--object', object],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const { baseUrl, sinceMs } = JSON.parse(await firstLine(sim, 'bench simulator')) as { baseUrl: string; sinceMs: number };
    const ours = await measure('poller', baseUrl, sinceMs, object);
    const naive = await measure('naive', baseUrl, sinceMs, object);
    const rows: [string, (f: Figures) => number, string, number][] = [
      ['records published', (f) => f.records, '', 0],
      [
        'records/s',
        (f) => f.records / f.seconds,
        latencyMs > 0 ? `≥ ${Math.round(0.9 * 50 * (1000 / latencyMs))} (90% of what paging alone allows)` : '',
        0,
      ],
      ['Coupa requests / 1,000 records', (f) => per(f.coupaRequests, f.records, 1000), '≤ 22 (1.1 per 50)', 1],
      ['PutEvents calls / 1,000 events', (f) => per(f.putEventsCalls, f.records, 1000), '≤ 100 (1 per 10)', 1],
      ['checkpoint writes / 1,000 records', (f) => per(f.checkpointWrites, f.records, 1000), '≤ 20 (1 per 50)', 1],
      ['peak RSS MB', (f) => f.peakRssMb, records >= 100_000 ? '≤ 200' : '', 0],
    ];
    console.log(`\n${records} changed ${object}, ${latencyMs} ms latency per Coupa request`);
    console.log(`${'figure'.padEnd(36)}${'poller'.padStart(12)}${'naive'.padStart(12)}${'naive/poller'.padStart(14)}  target`);
    for (const [name, get, target, digits] of rows) {
      const a = get(ours);
      const b = get(naive);
      console.log(
        `${name.padEnd(36)}${fmt(a, digits).padStart(12)}${fmt(b, digits).padStart(12)}${(a === 0 ? '-' : fmt(b / a, 2)).padStart(14)}  ${target}`,
      );
    }
    console.log(`${'wall time s'.padEnd(36)}${fmt(ours.seconds).padStart(12)}${fmt(naive.seconds).padStart(12)}`);
  } finally {
    sim.kill();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      scenarios: { type: 'string', default: '10000@100,100000@0' },
      object: { type: 'string', default: 'invoices' },
      fleet: { type: 'string' },
      budget: { type: 'string' },
      records: { type: 'string' },
      cost: { type: 'boolean', default: false },
      'cold-start': { type: 'boolean', default: false },
      'latency-ms': { type: 'string' },
      'synth-dir': { type: 'string' },
      latency: { type: 'boolean', default: false },
      'schedule-seconds': { type: 'string' },
      'lag-seconds': { type: 'string' },
      'changes-per-minute': { type: 'string' },
      hours: { type: 'string' },
      'visibility-ms': { type: 'string' },
    },
  });
  if (values.latency) {
    const { latencyBench, DEFAULT_LATENCY_OPTIONS: d } = await import('./latency');
    const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
    return latencyBench({
      scheduleSeconds: num(values['schedule-seconds'], d.scheduleSeconds),
      lagSeconds: num(values['lag-seconds'], d.lagSeconds),
      changesPerMinute: num(values['changes-per-minute'], d.changesPerMinute),
      hours: num(values.hours, d.hours),
      visibilityMs: num(values['visibility-ms'], d.visibilityMs),
    });
  }
  if (values.cost) {
    const latency = values['latency-ms'];
    return costBench({ ...DEFAULT_COST_OPTIONS, ...(latency === undefined ? {} : { latencyMs: Number(latency) }) });
  }
  if (values['cold-start']) return coldStartBench(values['synth-dir'] ? { synthDir: values['synth-dir'] } : {});
  if (values.fleet !== undefined) {
    const { fleet } = await import('./fleet');
    return fleet({
      pollers: Number(values.fleet),
      ...(values.budget ? { budget: Number(values.budget) } : {}),
      ...(values.records ? { records: Number(values.records) } : {}),
    });
  }
  for (const spec of values.scenarios.split(',')) {
    const [records, latency] = spec.split('@').map(Number);
    await scenario(records!, latency ?? 0, values.object);
  }
}

void main().catch((error: unknown) => {
  console.error(String(error));
  process.exitCode = 1;
});
