// The Coupa simulator of the fleet bench, in its own process: `--records` changed records of each of
// `--objects`, one change per second each (no ties), behind Coupa's instance-wide limit (one bucket of
// 25 requests/s, burst 20, for every client and token; no Retry-After, as Coupa documents none). Prints
// the base URL and the `since` instant, then serves until killed.
import { parseArgs } from 'node:util';
import { startSimulator } from '../../shared/simulator';

async function main() {
  const { values } = parseArgs({ options: { objects: { type: 'string' }, records: { type: 'string' } } });
  const objects = (values.objects ?? 'invoices').split(',');
  const records = Number(values.records ?? 5_000);
  const sim = await startSimulator({
    seed: 42,
    records: Object.fromEntries(objects.map((o) => [o, records])),
    rateLimit: { perSecond: 25, burst: 20, scope: 'instance', retryAfter: false },
  });
  const now = sim.control.clock.now();
  const since = Math.floor(now / 1000) * 1000 - (records + 3600) * 1000;
  for (const object of objects) {
    for (let id = 1; id <= records; id++) sim.control.touch(object, [id], { at: since + id * 1000 });
  }
  process.stdout.write(`${JSON.stringify({ baseUrl: sim.baseUrl, sinceMs: since })}\n`);
}

void main();
