// One measured `query` action in a fresh process, as the action Lambda runs it: the ActionRunner with a
// claim-check store (files here, S3 in Lambda). Prints one JSON line of figures. Used by
// query-memory.ts; not a test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FilePayloadStore } from '../../shared/adapters/file';
import { getObject } from '../../shared/catalog';
import { CoupaClient } from '../../shared/coupa';
import { ActionRunner } from '../../shared/actions/runner';

async function main() {
  const { values } = parseArgs({ options: { url: { type: 'string' }, object: { type: 'string' }, limit: { type: 'string' } } });
  const object = getObject(values.object ?? 'invoices');
  let coupaRequests = 0;
  const client = new CoupaClient({
    host: values.url!,
    credentials: { clientId: 'sim-client', clientSecret: 'sim-secret', scopes: [object.scopes.read] },
    onRequest: (e) => {
      if (e.path.startsWith('/api/')) coupaRequests++;
    },
  });
  const runner = new ActionRunner(
    {
      client: async () => client,
      // Reads never touch the idempotency table.
      idempotency: { once: () => Promise.reject(new Error('a read reached the idempotency store')) },
      payloads: new FilePayloadStore(mkdtempSync(path.join(tmpdir(), 'coupa-query-bench-'))),
    },
    { instance: 'bench', idempotencyExpirySeconds: 3600, resultInlineLimitBytes: 200 * 1024 },
  );
  const started = performance.now();
  const result = (await runner.run({
    action: 'query',
    input: { object: object.key, query: { limit: Number(values.limit ?? 10_000) } },
  })) as Record<string, unknown>;
  const seconds = (performance.now() - started) / 1000;
  const resultRef = result.resultRef as { bytes?: number } | undefined;
  process.stdout.write(
    `${JSON.stringify({
      count: result.count,
      truncated: result.truncated,
      nextOffset: result.nextOffset,
      resultBytes: resultRef?.bytes ?? Buffer.byteLength(JSON.stringify(result)),
      coupaRequests,
      seconds,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    })}\n`,
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
