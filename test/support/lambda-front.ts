// A loopback Lambda "front" for handlers that run in this process: it answers the Lambda Invoke API
// (POST /2015-03-31/functions/{name}/invocations) as Lambda would (an error: 200 + X-Amz-Function-Error
// + {errorType, errorMessage}), so code under test calls it through the real SDK (moto's Lambda cannot
// run our handlers). Point a client at it with AWS_ENDPOINT_URL_LAMBDA or `endpoint`.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';

export type InProcessHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface FrontInvocation {
  readonly functionName: string;
  /** The request as sent: path, `x-amz-invocation-type` header, raw payload text. */
  readonly path: string;
  readonly invocationType: string | undefined;
  readonly rawPayload: string;
  /** `errorType` when the handler threw. */
  readonly error?: string;
}

export interface LambdaFront {
  readonly endpoint: string;
  readonly invocations: FrontInvocation[];
  close(): Promise<void>;
}

/** Remaining time the front reports through `getRemainingTimeInMillis`. */
const REMAINING_MS = 90_000;

export async function startLambdaFront(functions: Readonly<Record<string, InProcessHandler>>): Promise<LambdaFront> {
  const invocations: FrontInvocation[] = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const requestId = randomUUID();
      const functionName = match ? /(?:^|:function:)([A-Za-z0-9_-]+)(?::[^:]+)?$/.exec(decodeURIComponent(match[1]!))?.[1] : undefined;
      const handler = req.method === 'POST' && functionName ? functions[functionName] : undefined;
      if (!handler) {
        res.writeHead(404, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'ResourceNotFoundException',
          'x-amzn-requestid': requestId,
        });
        res.end(JSON.stringify({ Type: 'User', message: `Function not found: ${req.url}` }));
        return;
      }
      const rawPayload = Buffer.concat(chunks).toString('utf8');
      const seen = {
        functionName: functionName!,
        path: req.url!,
        invocationType: req.headers['x-amz-invocation-type'] as string | undefined,
        rawPayload,
      };
      const context = {
        functionName,
        functionVersion: '$LATEST',
        invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
        memoryLimitInMB: '256',
        awsRequestId: requestId,
        logGroupName: `/aws/lambda/${functionName}`,
        logStreamName: requestId,
        callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => REMAINING_MS,
      } as unknown as Context;
      const headers = { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amz-executed-version': '$LATEST' };
      try {
        const result = await handler(rawPayload === '' ? {} : JSON.parse(rawPayload), context);
        invocations.push(seen);
        res.writeHead(200, headers).end(JSON.stringify(result ?? null));
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        invocations.push({ ...seen, error: error.name });
        res
          .writeHead(200, { ...headers, 'x-amz-function-error': 'Unhandled' })
          .end(JSON.stringify({ errorType: error.name, errorMessage: error.message, trace: [] }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    invocations,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
