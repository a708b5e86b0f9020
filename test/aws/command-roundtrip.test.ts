// Bus command round trip on moto: a `Coupa Command` put on a moto bus is matched by the command rule
// exactly as CoupaConnector deploys it; moto cannot invoke Lambda targets, so an SQS queue stands in as
// the rule's target and the test hands each delivered event to the real command handler
// (functions/command.ts) in-process, as Lambda's async invoke would. The record changes in the
// simulator, and the result event reaches an SQS subscriber of the bus.
import { loadHandler } from '../support/lambda-handler';
import { createQueue, createTable } from '../support/moto/resources';
import { startSimulatorTokenRefresher, type TokenRefresherUnderTest } from '../support/token-refresher';

let refresher: TokenRefresherUnderTest;
import { CreateEventBusCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Context } from 'aws-lambda';
import type { CommandEvent, CommandResultDetail } from '../../shared/actions/command';
import { CoupaConnector } from '../../infra/CoupaConnector';
import { commandSchemas } from '../../shared/events';
import Ajv from 'ajv';
import { eventBridgeClient, motoLambdaEnvironment, sqsClient, uniqueName } from '../support/moto/clients';
import { startSimulator, type Simulator } from '../../shared/simulator';

jest.setTimeout(60_000);

type Handler = (event: CommandEvent, context: Context) => Promise<{ correlationId: string; status: string }>;
interface ResultEvent {
  source: string;
  'detail-type': string;
  detail: CommandResultDetail;
}

const eb = eventBridgeClient();
const sqs = sqsClient();
let sim: Simulator;
let handler: Handler;
let aws: { bus: string; inboxUrl: string; resultsUrl: string };
const savedEnv = { ...process.env };

/** The command rule's pattern from the synthesized connector (no bundling needed for this). */
function deployedCommandPattern(): unknown {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S');
  new CoupaConnector(stack, 'C', { instance: 'acme' });
  const rules = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule')) as {
    Properties: { EventPattern?: { 'detail-type'?: string[] } };
  }[];
  const command = rules.filter((r) => r.Properties.EventPattern?.['detail-type']?.includes('Coupa Command'));
  expect(command).toHaveLength(1);
  return command[0]!.Properties.EventPattern;
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 41, records: { suppliers: 10 }, rateLimit: false, enforceScopes: false });
  const table = await createTable('idempotency', 'id');
  refresher = await startSimulatorTokenRefresher(sim.baseUrl);
  const queue = createQueue;
  const inbox = await queue('command-inbox'); // stands in for the command function
  const results = await queue('command-results'); // a requester subscribed to the results
  const bus = uniqueName('coupa-bus');
  await eb.send(new CreateEventBusCommand({ Name: bus }));
  const rule = async (pattern: unknown, arn: string) => {
    const name = uniqueName('rule');
    await eb.send(new PutRuleCommand({ Name: name, EventBusName: bus, EventPattern: JSON.stringify(pattern) }));
    await eb.send(new PutTargetsCommand({ Rule: name, EventBusName: bus, Targets: [{ Id: 'target', Arn: arn }] }));
  };
  await rule(deployedCommandPattern(), inbox.arn);
  await rule({ source: ['coupa.acme'], 'detail-type': ['Coupa Command Succeeded', 'Coupa Command Failed'] }, results.arn);
  aws = { bus, inboxUrl: inbox.url, resultsUrl: results.url };

  handler = await loadHandler<Handler>(() => import('../../functions/command'), {
    ...motoLambdaEnvironment(),
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    ...refresher.consumerEnv,
    INSTANCE: 'acme',
    IDEMPOTENCY_TABLE: table,
    EVENT_BUS_NAME: bus,
    EVENT_SOURCE: 'coupa.acme',
  });
});
afterAll(async () => {
  await refresher?.front.close();
  await sim?.close();
  process.env = savedEnv;
});

const context = () =>
  ({ functionName: 'coupa-command', awsRequestId: uniqueName('req'), getRemainingTimeInMillis: () => 60_000 }) as unknown as Context;

async function drain(queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }));
    if (!out.Messages?.length) return all;
    all.push(...out.Messages);
  }
}
/**
 * Puts commands on the bus (from the default command source, for instance `acme`, unless the entry says
 * otherwise) and returns what the command rule delivered (the events Lambda would get).
 */
async function sendCommands(...entries: { source?: string; detail: Record<string, unknown> }[]): Promise<CommandEvent[]> {
  const out = await eb.send(
    new PutEventsCommand({
      Entries: entries.map((e) => ({
        EventBusName: aws.bus,
        Source: e.source ?? 'coupa.acme.commands',
        DetailType: 'Coupa Command',
        Detail: JSON.stringify('instance' in e.detail ? e.detail : { instance: 'acme', ...e.detail }),
      })),
    }),
  );
  expect(out.FailedEntryCount).toBe(0);
  return (await drain(aws.inboxUrl)).map((m) => JSON.parse(m.Body!) as CommandEvent);
}
// Every answer the subscriber receives must match the published schema of its detail type.
const ajv = new Ajv({ strict: false, allErrors: true });
const schemas = commandSchemas();
function conformsToSchema(answer: ResultEvent): ResultEvent {
  const schema = schemas.get(`${answer['detail-type'].toLowerCase().replace(/\s+/g, '-')}.json`);
  expect(schema).toBeDefined();
  const validate = ajv.getSchema(schema!.$id as string) ?? ajv.compile(schema!);
  expect(validate(answer.detail) ? [] : validate.errors).toEqual([]);
  return answer;
}
const results = async (): Promise<ResultEvent[]> =>
  (await drain(aws.resultsUrl)).map((m) => conformsToSchema(JSON.parse(m.Body!) as ResultEvent));
const customFields = (id: number) => sim.control.get('suppliers', id)!['custom-fields'] as Record<string, unknown>;

describe('Coupa Command round trip on moto', () => {
  test('an update command changes the record and is answered with Coupa Command Succeeded', async () => {
    const [command, ...rest] = await sendCommands({
      detail: {
        action: 'update',
        object: 'suppliers',
        id: 4,
        data: { 'custom-fields': { 'cf-erp-number': 'ERP-4711' } },
        correlationId: 'erp-sync-42',
        returnType: 'limited',
      },
    });
    expect(rest).toHaveLength(0);
    expect(command).toMatchObject({ source: 'coupa.acme.commands', 'detail-type': 'Coupa Command' });

    await expect(handler(command!, context())).resolves.toEqual({
      correlationId: 'erp-sync-42',
      action: 'update',
      object: 'suppliers',
      id: 4,
      status: 'succeeded',
    });
    expect(customFields(4)['cf-erp-number']).toBe('ERP-4711');

    const [answer, ...more] = await results();
    expect(more).toHaveLength(0);
    expect(answer).toMatchObject({
      source: 'coupa.acme',
      'detail-type': 'Coupa Command Succeeded',
      detail: {
        schemaVersion: '1',
        correlationId: 'erp-sync-42',
        commandId: command!.id,
        action: 'update',
        object: 'suppliers',
        id: 4,
        idempotencyKey: command!.id, // none given: the event id
        result: { object: 'suppliers', id: 4, record: { id: 4 } },
      },
    });
    expect(answer!.detail.error).toBeUndefined();
  });

  test('a redelivered create command writes once and answers both times with the same result', async () => {
    const before = sim.control.list('suppliers').length;
    const [command] = await sendCommands({
      detail: { action: 'create', object: 'suppliers', data: { name: 'Bus Created Supplies' }, idempotencyKey: uniqueName('bus-create') },
    });
    await handler(command!, context());
    await handler(command!, context()); // Lambda's async retry or EventBridge's redelivery of the same event
    expect(sim.control.list('suppliers').length).toBe(before + 1);
    const answers = await results();
    expect(answers.map((a) => a['detail-type'])).toEqual(['Coupa Command Succeeded', 'Coupa Command Succeeded']);
    expect(answers[1]!.detail).toEqual(answers[0]!.detail);
    expect(answers[0]!.detail).toMatchObject({
      correlationId: command!.id,
      id: expect.any(Number),
      result: { record: { name: 'Bus Created Supplies' } },
    });
  });

  test('a create whose answer is lost after Coupa applied it: one POST, Coupa Command Failed (Coupa.UnknownOutcome), and redeliveries send nothing', async () => {
    const before = sim.control.list('suppliers').length;
    const posts = () => sim.control.requests.filter((r) => r.method === 'POST' && r.path === '/api/suppliers').length;
    const postsBefore = posts();
    const [command] = await sendCommands({
      detail: { action: 'create', object: 'suppliers', data: { name: 'Once Only Supplies' }, correlationId: 'lost-answer' },
    });
    sim.control.injectFaults([{ kind: 'status', status: 502, method: 'POST', path: '/api/suppliers', afterApply: true }]);
    // Not thrown: a throw would make Lambda retry the event, and the retry would create a second supplier.
    await expect(handler(command!, context())).resolves.toMatchObject({ status: 'failed' });
    await expect(handler(command!, context())).resolves.toMatchObject({ status: 'failed' }); // Lambda's retry or a redelivery
    expect(posts()).toBe(postsBefore + 1);
    expect(sim.control.list('suppliers').length).toBe(before + 1);
    const answers = await results();
    expect(answers.map((a) => a['detail-type'])).toEqual(['Coupa Command Failed', 'Coupa Command Failed']);
    expect(answers[0]!.detail.error).toMatchObject({
      errorType: 'Coupa.UnknownOutcome',
      errorMessage: expect.stringMatching(/HTTP 502.*outcome is unknown.*Recorded for idempotencyKey/),
    });
    expect(answers[1]!.detail.error).toMatchObject({
      errorType: 'Coupa.UnknownOutcome',
      errorMessage: expect.stringMatching(/had an unknown outcome at .* is not sent again/),
    });
  });

  test('permanent failures are answered with Coupa Command Failed, not retried', async () => {
    const events = await sendCommands(
      { detail: { action: 'create', object: 'suppliers', data: { 'display-name': 'nameless' }, correlationId: 'bad-data' } },
      { detail: { action: 'update', object: 'widgets', id: 1, data: {}, correlationId: 'bad-object' } },
      { detail: { object: 'suppliers', id: 1, correlationId: 'no-action' } },
    );
    expect(events).toHaveLength(3);
    for (const event of events) await expect(handler(event, context())).resolves.toMatchObject({ status: 'failed' });
    const answers = await results();
    const byCorrelation = Object.fromEntries(answers.map((a) => [a.detail.correlationId, a]));
    expect(Object.keys(byCorrelation).sort()).toEqual(['bad-data', 'bad-object', 'no-action']);
    for (const answer of answers) expect(answer['detail-type']).toBe('Coupa Command Failed');
    expect(byCorrelation['bad-data']!.detail).toMatchObject({
      action: 'create',
      object: 'suppliers',
      error: { errorType: 'Coupa.Validation', errorMessage: expect.stringMatching(/can't be blank/) },
    });
    expect(byCorrelation['bad-object']!.detail.error).toMatchObject({
      errorType: 'Coupa.Validation',
      errorMessage: expect.stringMatching(/widgets/),
    });
    expect(byCorrelation['no-action']!.detail).toMatchObject({
      action: null,
      error: { errorType: 'Coupa.Validation', errorMessage: expect.stringMatching(/"action"/) },
    });
  });

  test('retryable failures fail the invocation (async retries, then the DLQ) and answer nothing', async () => {
    const [command] = await sendCommands({
      detail: { action: 'update', object: 'suppliers', id: 5, data: { 'custom-fields': { 'cf-erp-number': 'ERP-5' } } },
    });
    sim.control.injectFaults([{ kind: 'status', status: 429, retryAfterSeconds: 120, method: 'PUT', path: '/api/suppliers/5' }]);
    await expect(handler(command!, context())).rejects.toMatchObject({ name: 'Coupa.RateLimited' });
    expect(await results()).toEqual([]);
    // Lambda's retry of the same event succeeds and answers once.
    await expect(handler(command!, context())).resolves.toMatchObject({ status: 'succeeded' });
    expect((await results()).map((a) => a['detail-type'])).toEqual(['Coupa Command Succeeded']);
    expect(customFields(5)['cf-erp-number']).toBe('ERP-5');
  });

  test("the rule runs only listed sources' commands for this instance: not the connector's own source, other senders, other instances or detail types", async () => {
    const delivered = await sendCommands(
      { source: 'coupa.acme', detail: { action: 'get', object: 'suppliers', id: 1 } },
      { source: 'com.attacker.app', detail: { action: 'request', method: 'DELETE', path: 'suppliers/1' } },
      { detail: { instance: 'acme-sandbox', action: 'get', object: 'suppliers', id: 1 } },
      { detail: { instance: undefined, action: 'get', object: 'suppliers', id: 1 } },
    );
    expect(delivered).toEqual([]);
    await eb.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: aws.bus, Source: 'coupa.acme.commands', DetailType: 'Coupa Command Succeeded', Detail: '{"instance":"acme"}' },
        ],
      }),
    );
    expect(await drain(aws.inboxUrl)).toEqual([]);
  });

  test('the handler itself refuses a command for another instance (invoked directly, past the rule)', async () => {
    const result = await handler(
      {
        id: 'direct-1',
        source: 'coupa.acme.commands',
        'detail-type': 'Coupa Command',
        detail: { instance: 'acme-sandbox', action: 'get', object: 'suppliers', id: 1 },
      },
      context(),
    );
    expect(result).toMatchObject({ status: 'failed' });
    const [answer] = await results();
    expect(answer!.detail.error).toEqual({
      errorType: 'Coupa.Validation',
      errorMessage: 'The command names instance "acme-sandbox"; this connector runs only commands for "acme"',
    });
  });
});
