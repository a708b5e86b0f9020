// One poller of the fleet bench, in its own process (as each poller is its own Lambda): backfills one
// object from `--since` until caught up, drawing on the shared DynamoDB budget on moto (`--mode budget`)
// or, as before the budget, capped at 15 requests/s on its own (`--mode cap`). A run that fails (429s
// past the retries) is followed by the next, from the cursor, as the next scheduled run would. Prints one
// JSON line of counts. Used by fleet.ts; not a test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localPoll } from '../../functions/cli/local-poller';
import { DynamoRateBudgetStore } from '../../shared/adapters/aws/DynamoRateBudgetStore';
import { LeasedRateBudget } from '../../shared/budget';
import { getObject } from '../../shared/catalog';
import type { EventPublisher } from '../../shared/changes';
import { CoupaClient } from '../../shared/coupa';

/** The cap every poller kept to before the shared budget. */
export const OLD_PER_POLLER_CAP = 15;

async function main() {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string' },
      url: { type: 'string' },
      since: { type: 'string' },
      object: { type: 'string' },
      moto: { type: 'string' },
      table: { type: 'string' },
      instance: { type: 'string' },
      rps: { type: 'string' },
    },
  });
  const object = getObject(values.object!);
  const counts = { apiRequests: 0, rateLimited: 0 };
  const store =
    values.mode === 'budget'
      ? new DynamoRateBudgetStore({
          client: new DynamoDBClient({
            endpoint: values.moto!,
            region: 'us-east-1',
            credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
          }),
          tableName: values.table!,
          instance: values.instance!,
          settings: { requestsPerSecond: Number(values.rps) },
        })
      : undefined;
  const client = new CoupaClient({
    host: values.url!,
    credentials: { clientId: 'sim-client', clientSecret: 'sim-secret', scopes: [object.scopes.read] },
    ...(store ? { rateBudget: new LeasedRateBudget({ store }) } : {}),
    onRequest: (e) => {
      if (!e.path.startsWith('/api/')) return;
      counts.apiRequests++;
      if (e.status === 429) counts.rateLimited++;
    },
  });
  // The bus is not what is measured: every entry is taken at once. A run that failed is repeated from
  // its last saved cursor, so records are counted once each (id and version), not per event.
  const published = new Set<string>();
  const publisher: EventPublisher = {
    publish: async (entries) => {
      for (const entry of entries) {
        const detail = JSON.parse(entry.Detail) as { metadata?: { recordId?: unknown }; data?: { id?: unknown } };
        published.add(`${String(detail.metadata?.recordId ?? detail.data?.id)}@${entry.Time}`);
      }
      return { delivered: entries.length, deadLettered: 0, calls: 1 };
    },
  };
  const stateDir = mkdtempSync(path.join(tmpdir(), 'coupa-fleet-'));
  const startedMs = Date.now();
  let runs = 0;
  let failedRuns = 0;
  for (;;) {
    runs++;
    try {
      const result = await localPoll({
        client,
        object,
        instance: 'bench',
        stateDir,
        out: publisher,
        lagSeconds: 0,
        returnType: 'default',
        sinceMs: Number(values.since),
        ...(values.mode === 'cap' ? { maxRequestsPerSecond: OLD_PER_POLLER_CAP } : {}),
      });
      if (result.stoppedBy === 'caught-up') break;
    } catch (error) {
      // What is published before the failure is in the cursor; the next run continues from there.
      failedRuns++;
      if (failedRuns > 100) throw error;
    }
  }
  const endedMs = Date.now();
  process.stdout.write(
    `${JSON.stringify({ object: object.key, records: published.size, ...counts, startedMs, endedMs, runs, failedRuns, budgetWrites: store?.writes ?? 0 })}\n`,
  );
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
