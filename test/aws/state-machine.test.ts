// The example state machine (infra/examples/UpdateSuppliersStateMachine.ts), as CDK synthesizes it,
// executed by moto's Step Functions interpreter. Its Lambda tasks reach our real action handler
// (functions/action.ts) in this process through the Lambda front (test/support/moto/step-functions.ts);
// the handler uses the shared moto (idempotency table, token secrets) and the Coupa simulator.
import { loadHandler } from '../support/lambda-handler';
import { createTable } from '../support/moto/resources';
import { startSimulatorTokenRefresher, type TokenRefresherUnderTest } from '../support/token-refresher';

let refresher: TokenRefresherUnderTest;
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { UpdateSuppliersStateMachine } from '../../infra/examples/UpdateSuppliersStateMachine';
import { motoLambdaEnvironment, uniqueName } from '../support/moto/clients';
import { startStepFunctionsMoto, type InProcessHandler, type StepFunctionsMoto } from '../support/moto/step-functions';
import { startSimulator, type Simulator } from '../../shared/simulator';

// moto's own process starts in ~2 s; a Retry waits its real IntervalSeconds (1 s here).
jest.setTimeout(90_000);

const FUNCTION_NAME = 'coupa-action';
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:123456789012:function:${FUNCTION_NAME}`;

/** The ASL CDK synthesizes for the example, with the retry interval at 1 s to keep the test short. */
function exampleDefinition(): unknown {
  const stack = new Stack(new App(), 'Example', { env: { account: '123456789012', region: 'us-east-1' } });
  new UpdateSuppliersStateMachine(stack, 'UpdateSuppliers', {
    actionFunction: lambda.Function.fromFunctionArn(stack, 'Action', FUNCTION_ARN),
    retryInterval: Duration.seconds(1),
    retryMaxAttempts: 3,
  });
  const machines = Object.values(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'));
  expect(machines).toHaveLength(1);
  const definition = (machines[0] as { Properties: { DefinitionString: unknown } }).Properties.DefinitionString;
  return JSON.parse(joinLiterals(definition));
}

/** `Fn::Join` of literal strings (the imported function's ARN is one) as the string it stands for. */
function joinLiterals(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) throw new Error(`not a literal: ${JSON.stringify(value)}`);
  return join[1].map(joinLiterals).join(join[0]);
}

let sfn: StepFunctionsMoto;
let sim: Simulator;
let stateMachineArn: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 31, records: { suppliers: 12 }, rateLimit: false, enforceScopes: false });
  const table = await createTable('idempotency', 'id');
  refresher = await startSimulatorTokenRefresher(sim.baseUrl);
  const handler = await loadHandler<InProcessHandler>(() => import('../../functions/action'), {
    ...motoLambdaEnvironment(),
    POWERTOOLS_LOG_LEVEL: 'WARN',
    ...refresher.consumerEnv,
    INSTANCE: 'acme',
    IDEMPOTENCY_TABLE: table,
  });
  sfn = await startStepFunctionsMoto({ [FUNCTION_NAME]: handler });
  stateMachineArn = await sfn.createStateMachine(uniqueName('update-suppliers'), exampleDefinition());
});

afterAll(async () => {
  await refresher?.front.close();
  await sfn?.stop();
  await sim?.close();
  process.env = savedEnv;
});

const customFields = (id: number) => sim.control.get('suppliers', id)!['custom-fields'] as Record<string, unknown>;
const updatesOf = (id: number) => sim.control.requests.filter((r) => r.method === 'PUT' && r.path === `/api/suppliers/${id}`);

describe('example state machine on moto Step Functions', () => {
  test('queries suppliers, updates each; a 429 is retried by the state machine, a validation error is caught', async () => {
    // Supplier 2: Coupa throttles once and asks for 2 minutes (the client does not wait that long in a
    // Lambda: Coupa.RateLimited), the state machine retries after 1 s. Supplier 3: Coupa refuses the data.
    sim.control.injectFaults([
      { kind: 'status', status: 429, retryAfterSeconds: 120, method: 'PUT', path: '/api/suppliers/2' },
      { kind: 'status', status: 422, method: 'PUT', path: '/api/suppliers/3' },
    ]);
    const cf3 = customFields(3)['cf-integration-status'];
    const startedMs = Date.now();
    const run = await sfn.execute(stateMachineArn, {
      filters: { id: { in: [1, 2, 3] } },
      customFields: { 'cf-integration-status': 'synced-by-sfn' },
    });
    const elapsedMs = Date.now() - startedMs;

    expect(run.status).toBe('SUCCEEDED');
    const output = JSON.parse(run.output!) as {
      count: number;
      truncated: boolean;
      results: { id: number; status: string; error?: string; cause?: string }[];
    };
    expect(output.count).toBe(3);
    const results = [...output.results].sort((a, b) => a.id - b.id);
    expect(results.slice(0, 2)).toEqual([
      { id: 1, status: 'updated' },
      { id: 2, status: 'updated' },
    ]);
    expect(results[2]).toMatchObject({ id: 3, status: 'failed', error: 'Coupa.Validation' });
    expect(JSON.parse(results[2]!.cause!)).toMatchObject({ errorType: 'Coupa.Validation', errorMessage: expect.any(String) });

    // Coupa: 1 and 2 updated (2 after one throttled attempt), 3 untouched.
    expect(customFields(1)['cf-integration-status']).toBe('synced-by-sfn');
    expect(customFields(2)['cf-integration-status']).toBe('synced-by-sfn');
    expect(customFields(3)['cf-integration-status']).toBe(cf3);
    expect(updatesOf(2).map((r) => r.status)).toEqual([429, 200]);
    expect(updatesOf(3).map((r) => r.status)).toEqual([422]);

    // The retry was the state machine's: two invocations for supplier 2, the first failing Coupa.RateLimited.
    const forSupplier = (id: number) =>
      sfn.invocations.filter(
        (i) => (i.payload as { action: string; id?: number }).action === 'update' && (i.payload as { id: number }).id === id,
      );
    expect(forSupplier(2).map((i) => i.error ?? 'ok')).toEqual(['Coupa.RateLimited', 'ok']);
    expect(forSupplier(3).map((i) => i.error ?? 'ok')).toEqual(['Coupa.Validation']); // caught, never retried
    expect(elapsedMs).toBeGreaterThanOrEqual(1_000);
    // Every update carried an idempotency key of the execution and the supplier.
    expect(forSupplier(1)[0]!.payload).toMatchObject({
      object: 'suppliers',
      data: { 'custom-fields': { 'cf-integration-status': 'synced-by-sfn' } },
      idempotencyKey: expect.stringMatching(/^run-[0-9a-f-]+:suppliers:1$/),
    });
  });

  test('an error nothing catches fails the execution with its Coupa name', async () => {
    const run = await sfn.execute(stateMachineArn, { filters: { no_such_attribute: 'x' }, customFields: {} });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('Coupa.Validation');
    expect(JSON.parse(run.cause!)).toMatchObject({ errorType: 'Coupa.Validation' });
  });
});
