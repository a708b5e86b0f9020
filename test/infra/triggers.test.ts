// Triggers in the construct: remit-to addresses deploy from config (a fan-out poller), several named
// triggers per object, and the bus archive for replay. Synthesized without bundling.
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { pollerEnvironment } from '../../functions/lib/env';
import { config } from '../../infra/config';
import { CoupaConnector, type CoupaConnectorProps } from '../../infra/CoupaConnector';
import { ExampleStack } from '../../infra/ExampleStack';

const noBundling = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const synth = (props: Partial<CoupaConnectorProps>) => {
  const stack = new Stack(noBundling(), 'S');
  const connector = new CoupaConnector(stack, 'C', { instance: 'acme', enableActions: false, ...props });
  return { connector, template: Template.fromStack(stack) };
};
type Fn = { Properties: { Environment: { Variables: Record<string, unknown> }; Description: string } };
const pollerFunctions = (template: Template) =>
  Object.values(
    template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { OBJECT: Match.anyValue() } } } }),
  ) as Fn[];
/** The variables as the handler would see them once CloudFormation resolved the references. */
const resolvedEnv = (fn: Fn) => ({
  ...Object.fromEntries(
    Object.entries(fn.Properties.Environment.Variables).map(([k, v]) => [k, typeof v === 'string' ? v : `resolved-${k}`]),
  ),
  DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq',
});

describe('remit-to addresses from config', () => {
  test('synthesize a poller the handler accepts, with the supplier read scope', () => {
    const { connector, template } = synth({ pollers: [{ object: 'remit_to_addresses', schedule: Duration.minutes(15) }] });

    const [fn] = pollerFunctions(template);
    expect(fn!.Properties.Environment.Variables).toMatchObject({ OBJECT: 'remit_to_addresses', INSTANCE: 'acme' });
    expect(pollerEnvironment(resolvedEnv(fn!)).object.key).toBe('remit_to_addresses');
    expect(Object.keys(connector.pollers)).toEqual(['remit_to_addresses']);
    expect(connector.requiredScopes).toContain('core.supplier.read');
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0/15 * * * ? *)' });
  });
});

test('the example stack deploys remit-to addresses and a second invoices trigger from config.ts', () => {
  const objects = [
    ...config.objects,
    { object: 'remit_to_addresses', scheduleMinutes: 60 },
    { object: 'invoices', name: 'approved', returnType: 'shallow' as const, filters: { status: 'approved' } },
  ];
  const template = Template.fromStack(new ExampleStack(noBundling(), 'Example', { connector: { ...config, objects } }));
  const vars = pollerFunctions(template).map((f) => f.Properties.Environment.Variables);
  expect(vars.map((v) => `${String(v.OBJECT)}${v.TRIGGER ? `:${String(v.TRIGGER)}` : ''}`).sort()).toEqual([
    'invoices',
    'invoices:approved',
    'purchase_orders',
    'remit_to_addresses',
    'suppliers',
  ]);
});

describe('several triggers per object', () => {
  const twoInvoiceTriggers: CoupaConnectorProps['pollers'] = [
    { object: 'invoices', returnType: 'limited' },
    {
      object: 'invoices',
      name: 'approved',
      returnType: 'shallow',
      filters: { status: { in: ['approved'] } },
      schedule: Duration.minutes(10),
    },
  ];

  test('each gets its own function, environment, schedule, alarm and claim-check prefix', () => {
    const { connector, template } = synth({ pollers: twoInvoiceTriggers });

    expect(Object.keys(connector.pollers).sort()).toEqual(['invoices', 'invoices:approved']);
    expect(connector.node.tryFindChild('Poller-invoices')).toBeDefined();
    expect(connector.node.tryFindChild('Poller-invoices-approved')).toBeDefined();
    const fns = pollerFunctions(template);
    expect(fns).toHaveLength(2);
    const named = fns.find((f) => f.Properties.Environment.Variables.TRIGGER === 'approved')!;
    const plain = fns.find((f) => f.Properties.Environment.Variables.TRIGGER === undefined)!;
    expect(named.Properties.Environment.Variables).toMatchObject({
      OBJECT: 'invoices',
      RETURN_TYPE: 'shallow',
      FILTERS: '{"status":{"in":["approved"]}}',
    });
    expect(plain.Properties.Environment.Variables).toMatchObject({ OBJECT: 'invoices', RETURN_TYPE: 'limited' });
    expect(pollerEnvironment(resolvedEnv(named)).trigger).toBe('approved');
    expect(pollerEnvironment(resolvedEnv(plain)).trigger).toBeUndefined();

    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0/5 * * * ? *)' });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(1/10 * * * ? *)' });
    for (const object of ['invoices', 'invoices:approved']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'WatermarkAgeSeconds',
        Dimensions: [
          { Name: 'Instance', Value: 'acme' },
          { Name: 'Object', Value: object },
        ],
      });
    }
    const putObject = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(putObject).toContain('/acme/invoices/approved/*');
    expect(putObject).toContain('/acme/invoices/*');
  });

  test.each<[string, CoupaConnectorProps['pollers'], RegExp]>([
    [
      'two unnamed triggers of one object',
      [{ object: 'invoices' }, { object: 'invoices', returnType: 'shallow' }],
      /pollers\[1\] \(invoices\): duplicate poller for invoices.*name/,
    ],
    [
      'two triggers with one name',
      [
        { object: 'invoices', name: 'a', returnType: 'shallow' },
        { object: 'invoices', name: 'a' },
      ],
      /pollers\[1\] \(invoices, a\): duplicate trigger name "a" for invoices/,
    ],
    [
      'two identical triggers under different names',
      [
        { object: 'invoices', name: 'a', filters: { status: 'approved' }, schedule: Duration.minutes(5) },
        { object: 'invoices', name: 'b', filters: { status: 'approved' }, schedule: Duration.minutes(10) },
      ],
      /pollers\[1\] \(invoices, b\): same object, returnType, fields and filters as pollers\[0\]/,
    ],
    ['a name that is not lowercase', [{ object: 'invoices', name: 'Approved' }], /name must be 1 to 32 lowercase letters/],
  ])('refuses %s', (_name, pollers, message) => {
    expect(() => synth({ pollers })).toThrow(message);
  });
});

describe('bus archive', () => {
  test('archives the connector’s events for 30 days by default', () => {
    const { connector, template } = synth({});
    template.resourceCountIs('AWS::Events::Archive', 1);
    template.hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: 30,
      EventPattern: { source: ['coupa.acme'] },
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('EventBus'), 'Arn'] },
    });
    expect(connector.archive).toBeDefined();
  });

  test('takes a retention, archives an existing bus, or none at all', () => {
    const stack = new Stack(noBundling(), 'S');
    const bus = events.EventBus.fromEventBusArn(stack, 'Bus', 'arn:aws:events:us-east-1:123456789012:event-bus/shared');
    new CoupaConnector(stack, 'C', { instance: 'acme', enableActions: false, existingEventBus: bus, archiveRetention: Duration.days(90) });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: 90,
      SourceArn: 'arn:aws:events:us-east-1:123456789012:event-bus/shared',
    });

    const { connector, template } = synth({ archiveRetention: false });
    template.resourceCountIs('AWS::Events::Archive', 0);
    expect(connector.archive).toBeUndefined();
    expect(() => synth({ archiveRetention: Duration.hours(36) })).toThrow(/archiveRetention must be a whole number of days/);
  });
});
