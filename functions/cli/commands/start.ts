import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { JsonLinesPublisher } from '../../../shared/adapters/file';
import { localRateBudget } from '../../../shared/budget';
import type { CatalogObject } from '../../../shared/catalog';
import type { EventPublisher } from '../../../shared/changes';
import { CoupaClient } from '../../../shared/coupa';
import type { CoupaEventEntry } from '../../../shared/events';
import { startSimulator, type Simulator } from '../../../shared/simulator';
import { instanceOf, loadCliCredentials } from '../credentials';
import { summarizeEvent } from '../event-summary';
import { DEFAULT_OBJECTS } from '../defaults';
import type { CliIo } from '../io';
import { localPoll } from '../local-poller';
import { intFlag, objectsFlag, UsageError } from '../usage';

/**
 * The local main job: pollers for a few objects on a short interval, events printed as one line each
 * and written in full to a JSON-lines file. Without --host it runs against the built-in simulator and
 * keeps editing records there, so a new user sees changes become events within a minute.
 */
export async function startCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      host: { type: 'string' },
      objects: { type: 'string', default: DEFAULT_OBJECTS },
      'interval-seconds': { type: 'string' },
      'lag-seconds': { type: 'string' },
      'state-dir': { type: 'string', default: '.local/state' },
      out: { type: 'string', default: '.local/events.jsonl' },
      'duration-seconds': { type: 'string' },
      records: { type: 'string' },
      credentials: { type: 'string' },
    },
  });
  const objects = objectsFlag(values.objects);
  const notPollable = objects.filter((o) => !o.capabilities.trigger).map((o) => o.key);
  if (notPollable.length > 0) throw new UsageError(`These objects have no change events: ${notPollable.join(', ')}`);
  const intervalMs = (intFlag('interval-seconds', values['interval-seconds'], { min: 1, max: 3600 }) ?? 5) * 1000;
  const durationMs = intFlag('duration-seconds', values['duration-seconds'], { min: 1 });
  const simulated = values.host === undefined && values.credentials === undefined;

  let sim: Simulator | undefined;
  let stateDir = values['state-dir'];
  if (simulated) {
    sim = await startSimulator({ records: intFlag('records', values.records, { max: 100_000 }) ?? 50 });
    // The simulator starts afresh each time, so its cursors do too.
    stateDir = path.join(stateDir, 'simulator');
    await rm(stateDir, { recursive: true, force: true });
    await rm(values.out, { force: true });
  }
  await mkdir(stateDir, { recursive: true });
  await mkdir(path.dirname(values.out), { recursive: true });

  const login = simulated
    ? { host: sim!.baseUrl, credentials: { clientId: 'sim-client', clientSecret: 'sim-secret', scopes: objects.map((o) => o.scopes.read) } }
    : await loadCliCredentials({ file: values.credentials, host: values.host, objects });
  const host = values.host ?? login.host!;
  // One process, one budget: the instance's 20 requests/s shared by every object it polls.
  const client = new CoupaClient({ host, credentials: login.credentials, rateBudget: localRateBudget() });
  const instance = instanceOf(client.host.hostname, client.host.instance);
  const lagSeconds = intFlag('lag-seconds', values['lag-seconds'], { max: 86_400 }) ?? (simulated ? 1 : 120);
  const publisher = new PrintingPublisher(new JsonLinesPublisher(values.out), io);

  io.out(
    `Polling ${objects.map((o) => o.key).join(', ')} on ${simulated ? `the built-in Coupa simulator (${host})` : host} every ${intervalMs / 1000} s.`,
  );
  io.out(`One line per event below; the full events (EventBridge PutEvents entries) go to ${values.out}. Ctrl-C stops.`);
  if (simulated) io.out('The simulator edits a few records every second, so new changes keep arriving.\n');

  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const editor = sim ? setInterval(() => editSomething(sim!, objects), 1000) : undefined;
  const endAt = durationMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + durationMs * 1000;
  // The first run of each poller backfills the last day, so there is something to see at once.
  const sinceMs = Date.now() - 86_400_000;
  try {
    while (!stopping && Date.now() < endAt) {
      for (const object of objects) {
        if (stopping) break;
        await localPoll({ client, object, instance, stateDir, out: publisher, lagSeconds, returnType: 'default', sinceMs });
      }
      await waitUntil(Math.min(Date.now() + intervalMs, endAt), () => stopping);
    }
  } finally {
    if (editor) clearInterval(editor);
    await sim?.close();
  }
  io.out(`\n${publisher.count} events published; full JSON in ${values.out}.`);
  return 0;
}

/** Writes events to the file, then prints one summary line per event. */
class PrintingPublisher implements EventPublisher {
  count = 0;
  constructor(
    private readonly inner: EventPublisher,
    private readonly io: CliIo,
  ) {}

  async publish(entries: readonly CoupaEventEntry[]) {
    const report = await this.inner.publish(entries);
    for (const entry of entries) this.io.out(summarizeEvent(entry));
    this.count += entries.length;
    return report;
  }
}

let edits = 0;
/** A small change to a random record, now and then a mass update: what a busy instance looks like. */
function editSomething(sim: Simulator, objects: readonly CatalogObject[]): void {
  const object = objects[edits++ % objects.length]!;
  const ids = sim.control
    .history(object.key)
    .slice(-200)
    .map((v) => v.id);
  if (ids.length === 0) return;
  const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
  if (edits % 15 === 0) {
    sim.control.touch(object.key, [pick(), pick(), pick(), pick()]);
  } else {
    sim.control.update(object.key, pick(), {
      'custom-fields': { 'cf-integration-status': `edited ${new Date().toISOString().slice(11, 19)}` },
    });
  }
}

async function waitUntil(atMs: number, stopped: () => boolean): Promise<void> {
  while (!stopped() && Date.now() < atMs) await new Promise((resolve) => setTimeout(resolve, Math.min(200, atMs - Date.now())));
}
