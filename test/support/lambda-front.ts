// A loopback Lambda "front" for handlers that run in this process: it answers the Lambda Invoke API
// (POST /2015-03-31/functions/{name}/invocations) as Lambda would (an error: 200 + X-Amz-Function-Error
// + {errorType, errorMessage, trace}), so code under test calls it through the real SDK (moto's Lambda
// cannot run our handlers). Point a client at it with AWS_ENDPOINT_URL_LAMBDA or `endpoint`.
// `answerInvoke` is the part moto's Step Functions front (moto/step-functions.ts) shares.
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

/** One answered invoke: the function, the payload text, and the `errorType` when the handler threw. */
export interface AnsweredInvoke {
  readonly functionName: string;
  readonly rawPayload: string;
  readonly error?: string;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations/;

/** The function an Invoke request names (a name, a full or partial ARN, maybe qualified), if it is one. */
export function invokeTarget(req: http.IncomingMessage): string | undefined {
  const match = req.method === 'POST' ? INVOKE_PATH.exec(req.url ?? '') : null;
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/**
 * Runs the handler an Invoke request names in this process and answers as Lambda does. Resolves with
 * what was run, or undefined when no such function exists (answered 404 ResourceNotFoundException).
 */
export async function answerInvoke(
  functions: Readonly<Record<string, InProcessHandler>>,
  target: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  options: { readonly memoryMb: number; readonly remainingMs: number },
): Promise<AnsweredInvoke | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const requestId = randomUUID();
  const functionName = /(?:^|:function:)([A-Za-z0-9_-]+)(?::[^:]+)?$/.exec(target)?.[1] ?? target;
  const handler = functions[functionName];
  if (!handler) {
    res.writeHead(404, {
      'content-type': 'application/json',
      'x-amzn-errortype': 'ResourceNotFoundException',
      'x-amzn-requestid': requestId,
    });
    res.end(JSON.stringify({ Type: 'User', message: `Function not found: ${target}` }));
    return undefined;
  }
  const rawPayload = Buffer.concat(chunks).toString('utf8');
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: String(options.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: requestId,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => options.remainingMs,
  } as unknown as Context;
  const headers = { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amz-executed-version': '$LATEST' };
  try {
    const result = await handler(rawPayload === '' ? {} : JSON.parse(rawPayload), context);
    res.writeHead(200, headers).end(JSON.stringify(result ?? null));
    return { functionName, rawPayload };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    // What the Node.js runtime reports for an unhandled error; Step Functions' Error is errorType.
    res
      .writeHead(200, { ...headers, 'x-amz-function-error': 'Unhandled' })
      .end(JSON.stringify({ errorType: error.name, errorMessage: error.message, trace: [] }));
    return { functionName, rawPayload, error: error.name };
  }
}

/** Remaining time the front reports through `getRemainingTimeInMillis`. */
const REMAINING_MS = 90_000;

export async function startLambdaFront(functions: Readonly<Record<string, InProcessHandler>>): Promise<LambdaFront> {
  const invocations: FrontInvocation[] = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      const target = invokeTarget(req) ?? '';
      const answered = await answerInvoke(functions, target, req, res, { memoryMb: 256, remainingMs: REMAINING_MS });
      if (!answered) return;
      invocations.push({
        functionName: answered.functionName,
        path: req.url!,
        invocationType: req.headers['x-amz-invocation-type'] as string | undefined,
        rawPayload: answered.rawPayload,
        ...(answered.error ? { error: answered.error } : {}),
      });
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
