// A Coupa simulator for the benchmark, in its own process so the poller's memory is measured alone.
// `N` records of one object get distinct updated-at seconds (no mass updates) unless --ties is given;
// prints the base URL and the `since` instant, then serves until killed. With --probe, each `probe` line
// on stdin is answered with one JSON line: the main thread's event-loop utilisation and the process's
// CPU time since the previous probe (simulator-throughput.ts).
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { startSimulator } from '../../shared/simulator';

async function main() {
  const { values } = parseArgs({
    options: {
      object: { type: 'string' },
      records: { type: 'string' },
      'latency-ms': { type: 'string' },
      ties: { type: 'boolean', default: false },
      probe: { type: 'boolean', default: false },
    },
  });
  const object = values.object ?? 'invoices';
  const records = Number(values.records ?? 10_000);
  const sim = await startSimulator({ seed: 42, records: { [object]: records }, rateLimit: false });
  const now = sim.control.clock.now();
  const since = Math.floor(now / 1000) * 1000 - (records + 3600) * 1000;
  if (!values.ties) {
    // One change per second, oldest first: a steady change stream without ties.
    for (let id = 1; id <= records; id++) sim.control.touch(object, [id], { at: since + id * 1000 });
  }
  sim.control.setLatencyMs(Number(values['latency-ms'] ?? 0));
  process.stdout.write(`${JSON.stringify({ baseUrl: sim.baseUrl, sinceMs: values.ties ? 0 : since })}\n`);
  if (values.probe) answerProbes();
}

function answerProbes(): void {
  let elu = performance.eventLoopUtilization();
  let cpu = process.cpuUsage();
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== 'probe') return;
    const eluSince = performance.eventLoopUtilization(elu);
    const cpuSince = process.cpuUsage(cpu);
    elu = performance.eventLoopUtilization();
    cpu = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ elu: eluSince.utilization, cpuMs: (cpuSince.user + cpuSince.system) / 1000 })}\n`);
  });
}

void main();
