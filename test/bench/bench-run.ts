// One measured run in a fresh process: our poller or the naive baseline against a bench simulator.
// Prints one JSON line of figures. Used by bench.ts; not a test. BENCH_CONCURRENCY overrides the
// poller's lane count, for experiments.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgePublisher } from '../../shared/adapters/aws/EventBridgePublisher';
import { FileCheckpointStore } from '../../shared/adapters/file';
import { localRateBudget } from '../../shared/budget';
import { getObject } from '../../shared/catalog';
import type { Cursor } from '../../shared/changes';
import { localPoll } from '../../functions/cli/local-poller';
import { CoupaClient } from '../../shared/coupa';
import { entryOf, inlineDetail, type CoupaRecord } from '../../shared/events';

/** Counts PutEvents calls and accepts every entry: the bus itself is not what is measured. */
function countingBus() {
  const counter = { calls: 0, entries: 0 };
  const client = {
    send: async (command: { input: { Entries?: unknown[] } }) => {
      counter.calls++;
      counter.entries += command.input.Entries?.length ?? 0;
      return { FailedEntryCount: 0, Entries: (command.input.Entries ?? []).map(() => ({ EventId: 'x' })) };
    },
  } as unknown as EventBridgeClient;
  return { client, counter };
}

async function main() {
  const { values } = parseArgs({
    options: { mode: { type: 'string' }, url: { type: 'string' }, since: { type: 'string' }, object: { type: 'string' } },
  });
  const object = getObject(values.object ?? 'invoices');
  const sinceMs = Number(values.since);
  let coupaRequests = 0;
  const client = new CoupaClient({
    host: values.url!,
    credentials: { clientId: 'sim-client', clientSecret: 'sim-secret', scopes: [object.scopes.read] },
    // Our poller draws on the instance's budget (the default 20 requests/s), as `poll` and the deployed
    // functions do: Coupa allows about 25/s per instance. The naive poller of tutorials has none.
    ...(values.mode === 'poller' ? { rateBudget: localRateBudget() } : {}),
    onRequest: (e) => {
      if (e.path.startsWith('/api/')) coupaRequests++;
    },
  });
  const bus = countingBus();
  const deadLetter = {
    send: async () => {
      throw new Error('nothing should be dead-lettered in the bench');
    },
  };
  const publisher = new EventBridgePublisher({ client: bus.client, eventBusName: 'bench', deadLetter });
  const stateDir = mkdtempSync(path.join(tmpdir(), 'coupa-bench-'));
  const started = performance.now();
  let records = 0;
  let checkpointWrites = 0;

  if (values.mode === 'poller') {
    // The poller as `poll` runs it, with EventBridge batching (stub client) in place of the JSON-lines file.
    const result = await localPoll({
      client,
      object,
      instance: 'bench',
      stateDir,
      out: publisher,
      lagSeconds: 0,
      returnType: 'default',
      runId: 'bench',
      sinceMs,
      ...(process.env.BENCH_CONCURRENCY ? { concurrency: Number(process.env.BENCH_CONCURRENCY) } : {}),
    });
    records = result.published;
    checkpointWrites = result.checkpointWrites;
  } else {
    // The naive poller of integration tutorials: offset paging over updated_at > watermark, one PutEvents
    // per record, the watermark saved after every page.
    const store = new FileCheckpointStore(stateDir);
    await store.acquire('naive', 'bench', Date.now() + 3_600_000, Date.now());
    let version = 0;
    const ctx = { instance: 'bench', source: 'coupa.bench', returnType: 'default' as const, runId: 'naive' };
    for (let offset = 0; ; offset += 50) {
      const page = await client.list<CoupaRecord>(object.path.slice(1), {
        updated_at: { gt_or_eq: new Date(sinceMs) },
        order_by: 'updated_at',
        dir: 'asc',
        limit: 50,
        offset,
      });
      for (const record of page) await publisher.publish([entryOf(object, inlineDetail(object, record, 'updated', ctx), ctx.source)]);
      records += page.length;
      if (page.length > 0) {
        const cursor: Cursor = {
          version: 1,
          watermarkMs: Math.floor(Date.parse(String(page.at(-1)!['updated-at'])) / 1000) * 1000,
          doneIds: [],
        };
        version = await store.save('naive', 'bench', cursor, version, Date.now() + 3_600_000);
        checkpointWrites++;
      }
      if (page.length < 50) break;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${JSON.stringify({ mode: values.mode, records, seconds, coupaRequests, putEventsCalls: bus.counter.calls, checkpointWrites, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
