// `poll --out` lines are PutEvents entries as written (Time an ISO instant, not epoch milliseconds, which
// PutEvents would read as seconds): replayed, they reach a subscriber with the record's updated-at as the
// event time.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateEventBusCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startSimulator, type Simulator } from '../../shared/simulator';
import { eventBridgeClient, sqsClient, uniqueName } from '../support/moto/clients';
import { createQueue } from '../support/moto/resources';
import { cli, simulatorClientEnv } from '../support/cli';

jest.setTimeout(60_000);

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({ seed: 8, records: 4, rateLimit: false });
  dir = await mkdtemp(path.join(tmpdir(), 'coupa-replay-'));
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

test('--out lines replay through PutEvents as written, with Time as the record’s updated-at', async () => {
  const out = path.join(dir, 'suppliers.jsonl');
  await cli(
    [
      'poll',
      '--object',
      'suppliers',
      '--host',
      sim.baseUrl,
      '--state-dir',
      path.join(dir, 'state'),
      '--out',
      out,
      '--since',
      '2000-01-01T00:00:00Z',
      '--lag-seconds',
      '0',
      '--quiet',
    ],
    { env: simulatorClientEnv() },
  );
  const lines = (await readFile(out, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { Time: unknown; Detail: string; Source: string });
  expect(lines).toHaveLength(4);
  for (const line of lines) expect(line.Time).toBe((JSON.parse(line.Detail) as { metadata: { updatedAt: string } }).metadata.updatedAt);

  const eb = eventBridgeClient();
  const bus = uniqueName('replay-bus');
  await eb.send(new CreateEventBusCommand({ Name: bus }));
  const queue = await createQueue('replayed');
  const rule = uniqueName('replay-rule');
  await eb.send(new PutRuleCommand({ Name: rule, EventBusName: bus, EventPattern: JSON.stringify({ source: ['coupa.local'] }) }));
  await eb.send(new PutTargetsCommand({ Rule: rule, EventBusName: bus, Targets: [{ Id: 'q', Arn: queue.arn }] }));

  // As an operator replays a file: each line plus the bus (the AWS CLI's --entries takes the ISO Time as
  // it is; the JavaScript SDK wants a Date, which the ISO string gives directly).
  const result = await eb.send(
    new PutEventsCommand({
      Entries: lines.map((l) => ({ ...l, Time: new Date(l.Time as string), EventBusName: bus })),
    }),
  );
  expect(result.FailedEntryCount).toBe(0);
  const received = (await sqsClient().send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10 }))).Messages ?? [];
  expect(received).toHaveLength(4);
  const times = received.map((m) => Date.parse((JSON.parse(m.Body!) as { time: string }).time)).sort();
  expect(times).toEqual(lines.map((l) => Date.parse(l.Time as string)).sort());
});
