// The real poller handler (functions/poller.ts) in its own process, invoked on request: one JSON line
// `{"runId", "clockOffsetMs"}` on stdin runs it once; the answer `{durationMs, summary}` goes to fd 3,
// since stdout carries the handler's own log lines (which the parent measures). The clock offset moves
// this process's Date.now, as the simulator's clock is moved, so runs are a schedule interval apart
// without waiting. Used by cost.ts; not a test. Environment: the poller's (functions/lib/env.ts).
import { writeSync } from 'node:fs';
import readline from 'node:readline';
import type { Context } from 'aws-lambda';

const realNow = Date.now;
let clockOffsetMs = 0;
Date.now = () => realNow() + clockOffsetMs;

async function main() {
  // Imported only now, so the module's clock (deps.now) is the shifted one.
  const { handler } = (await import('../../functions/poller')) as unknown as {
    handler: (event: unknown, context: Context) => Promise<unknown>;
  };
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const { runId, clockOffsetMs: offset } = JSON.parse(line) as { runId: string; clockOffsetMs: number };
    clockOffsetMs = offset;
    const context = {
      functionName: 'coupa-poller-bench',
      awsRequestId: runId,
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:coupa-poller-bench',
      memoryLimitInMB: '512',
      functionVersion: '$LATEST',
      getRemainingTimeInMillis: () => 300_000,
    } as unknown as Context;
    const started = performance.now();
    const summary = await handler({}, context);
    const durationMs = performance.now() - started;
    writeSync(3, `${JSON.stringify({ durationMs, summary })}\n`);
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1); // stdin stays open otherwise, and the parent would wait for an answer forever
});
