// A Coupa simulator for the benchmark, in its own process so the poller's memory is measured alone.
// `N` records of one object get distinct updated-at seconds (no mass updates) unless --ties is given;
// prints the base URL and the `since` instant, then serves until killed.
import { parseArgs } from 'node:util';
import { startSimulator } from '../../shared/simulator';

async function main() {
  const { values } = parseArgs({
    options: {
      object: { type: 'string' },
      records: { type: 'string' },
      'latency-ms': { type: 'string' },
      ties: { type: 'boolean', default: false },
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
}

void main();
