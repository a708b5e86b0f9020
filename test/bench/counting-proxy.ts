// A loopback HTTP proxy in front of moto that counts the AWS API calls passing through it, by
// operation (`DynamoDB_20120810.GetItem`, `secretsmanager.GetSecretValue`, `AWSEvents.PutEvents`,
// `s3:PUT`, …), the EventBridge billing units of every PutEvents (one per 64 KB of an entry) and the
// DynamoDB read request units of every GetItem (one per 4 KB strongly consistent, half eventually).
// Used by the cost bench: the code under test reaches it through AWS_ENDPOINT_URL alone.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  readonly endpoint: string;
  /** Calls so far, by operation. */
  readonly counts: Map<string, number>;
  /** Time spent upstream (moto) so far, by operation (ms). */
  readonly upstreamMs: Map<string, number>;
  /** EventBridge events billed so far (each PutEvents entry counts one per 64 KB started). */
  readonly putEventsUnits: { value: number };
  /** DynamoDB read request units billed so far (GetItem: 1 per 4 KB of the item read consistently, 0.5 eventually). */
  readonly readUnits: { value: number };
  snapshot(): Record<string, number>;
  close(): Promise<void>;
}

/** How EventBridge sizes an entry for billing: its fields' UTF-8 bytes (Time counts 14). */
function entryBytes(entry: Record<string, unknown>): number {
  const text = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources.reduce((n: number, r) => n + text(r), 0) : 0;
  return (entry.Time === undefined ? 0 : 14) + text(entry.Source) + text(entry.DetailType) + text(entry.Detail) + resources;
}

/** Read units of one GetItem: the answer's size stands in for the item's (it is a little larger, so never under). */
function getItemUnits(requestBody: Buffer, answerBytes: number): number {
  const consistent = (JSON.parse(requestBody.toString('utf8')) as { ConsistentRead?: boolean }).ConsistentRead === true;
  return Math.max(1, Math.ceil(answerBytes / 4096)) * (consistent ? 1 : 0.5);
}

function operationOf(req: http.IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target;
  // Query-protocol services name the action in the body; REST ones (S3) are counted by method.
  return `s3:${req.method}`;
}

export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  const counts = new Map<string, number>();
  const upstreamMs = new Map<string, number>();
  const putEventsUnits = { value: 0 };
  const readUnits = { value: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const op = operationOf(req);
      counts.set(op, (counts.get(op) ?? 0) + 1);
      if (op === 'AWSEvents.PutEvents') {
        const entries = (JSON.parse(body.toString('utf8')) as { Entries?: Record<string, unknown>[] }).Entries ?? [];
        for (const entry of entries) putEventsUnits.value += Math.max(1, Math.ceil(entryBytes(entry) / (64 * 1024)));
      }
      const started = performance.now();
      const forward = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          let answerBytes = 0;
          up.on('data', (c: Buffer) => {
            answerBytes += c.length;
          });
          up.pipe(res);
          up.on('end', () => {
            upstreamMs.set(op, (upstreamMs.get(op) ?? 0) + performance.now() - started);
            if (op === 'DynamoDB_20120810.GetItem') readUnits.value += getItemUnits(body, answerBytes);
          });
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    upstreamMs,
    putEventsUnits,
    readUnits,
    snapshot: () => Object.fromEntries(counts),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
