// Step Functions on moto with our real Lambda handlers, in-process (../../../../shared/aws-local.md):
// a moto of its own (launcher.py: real ASL execution) whose MOTO_PORT is a node:http "Lambda front".
// moto's interpreter invokes Lambda tasks at http://localhost:$MOTO_PORT; the front runs the handler
// named in the path in this process and answers as Lambda would (an error: 200 + X-Amz-Function-Error +
// {errorType, errorMessage, trace}); every other request is piped to moto. Step Functions calls go
// through `call` (the AWS JSON protocol with fetch: moto does not check signatures).
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { answerInvoke, type InProcessHandler, invokeTarget } from '../lambda-front';
import { freeLoopbackPort, startMoto, stopMoto, type MotoProcess } from './moto-process';

export type { InProcessHandler };

export interface Invocation {
  readonly functionName: string;
  readonly payload: unknown;
  /** `errorType` when the handler threw. */
  readonly error?: string;
}

export interface ExecutionDescription {
  readonly executionArn: string;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

export interface StepFunctionsMoto {
  /** The front's URL: Step Functions (and any other service) calls go here. */
  readonly endpoint: string;
  /** Every Lambda invocation the interpreter made, in order. */
  readonly invocations: Invocation[];
  /** One Step Functions API call (`CreateStateMachine`, `StartExecution`, …); throws on an error answer. */
  call<T = Record<string, unknown>>(operation: string, body: Record<string, unknown>): Promise<T>;
  /** Creates a state machine from an ASL definition; returns its ARN. */
  createStateMachine(name: string, definition: unknown): Promise<string>;
  /** Starts an execution (always named: moto 5.2.1 gives unnamed ones the same ARN) and waits for its end. */
  execute(stateMachineArn: string, input: unknown, opts?: { timeoutMs?: number }): Promise<ExecutionDescription>;
  stop(): Promise<void>;
}

/** Handler timeout the front reports through `getRemainingTimeInMillis`. */
const REMAINING_MS = 120_000;

export async function startStepFunctionsMoto(functions: Readonly<Record<string, InProcessHandler>>): Promise<StepFunctionsMoto> {
  const frontPort = await freeLoopbackPort();
  const invocations: Invocation[] = [];
  let moto: MotoProcess | undefined;

  const front = http.createServer((req, res) => {
    const functionTarget = invokeTarget(req);
    if (functionTarget !== undefined) {
      void invoke(functionTarget, req, res);
      return;
    }
    if (!moto) {
      res.writeHead(503).end();
      return;
    }
    const target = new URL(moto.endpoint);
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });

  async function invoke(target: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const answered = await answerInvoke(functions, target, req, res, { memoryMb: 512, remainingMs: REMAINING_MS });
    if (!answered) return;
    const payload: unknown = answered.rawPayload === '' ? {} : JSON.parse(answered.rawPayload);
    invocations.push({ functionName: answered.functionName, payload, ...(answered.error ? { error: answered.error } : {}) });
  }

  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(frontPort, '127.0.0.1', () => resolve());
  });
  try {
    moto = await startMoto({ callbackPort: frontPort });
  } catch (e) {
    front.close();
    throw e;
  }
  const endpoint = `http://127.0.0.1:${frontPort}`;

  async function call<T>(operation: string, body: Record<string, unknown>): Promise<T> {
    const res = await fetch(`${endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `AWSStepFunctions.${operation}`,
        // moto picks the service from the credential scope; it does not check the signature.
        authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`Step Functions ${operation} failed: HTTP ${res.status} ${text.slice(0, 500)}`);
    return (text === '' ? {} : JSON.parse(text)) as T;
  }

  return {
    endpoint,
    invocations,
    call,
    async createStateMachine(name, definition) {
      const out = await call<{ stateMachineArn: string }>('CreateStateMachine', {
        name,
        definition: typeof definition === 'string' ? definition : JSON.stringify(definition),
        roleArn: 'arn:aws:iam::123456789012:role/state-machine',
      });
      return out.stateMachineArn;
    },
    async execute(stateMachineArn, input, opts = {}) {
      const { executionArn } = await call<{ executionArn: string }>('StartExecution', {
        stateMachineArn,
        name: `run-${randomUUID()}`,
        input: JSON.stringify(input),
      });
      const until = Date.now() + (opts.timeoutMs ?? 30_000);
      for (;;) {
        const d = await call<ExecutionDescription>('DescribeExecution', { executionArn });
        if (d.status !== 'RUNNING') return d;
        if (Date.now() > until) throw new Error(`execution ${executionArn} still RUNNING after ${opts.timeoutMs ?? 30_000} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (moto) await stopMoto(moto);
      const closed = new Promise<void>((resolve) => front.close(() => resolve()));
      front.closeAllConnections();
      await closed;
    },
  };
}
