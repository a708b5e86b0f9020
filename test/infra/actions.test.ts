// The action side of CoupaConnector (infra/Actions.ts) and the example state machine
// (infra/examples/UpdateSuppliersStateMachine.ts), synthesized without bundling.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { actionEnvironment } from '../../functions/lib/env';
import { IDEMPOTENCY_ATTRIBUTES } from '../../shared/adapters/aws/PowertoolsIdempotencyStore';
import { ACTION_IAM } from '../../infra/Actions';
import { config } from '../../infra/config';
import { CoupaConnector, type CoupaConnectorProps } from '../../infra/CoupaConnector';
import { ExampleStack } from '../../infra/ExampleStack';
import { CAUGHT_ERRORS, RETRYABLE_ERRORS, UpdateSuppliersStateMachine } from '../../infra/examples/UpdateSuppliersStateMachine';

const noBundling = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

type Cfn = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const normalize = (list: Statement[]) =>
  list.map((s) => JSON.stringify({ Effect: s.Effect, Action: actionsOf(s).sort(), Resource: s.Resource })).sort();
const getAtt = (id: string, attr = 'Arn') => ({ 'Fn::GetAtt': [id, attr] });
const objectArn = (bucketId: string, key: string) => ({ 'Fn::Join': ['', [getAtt(bucketId), key]] });

/** The one resource of a type whose logical id contains `part`. */
function idWith(template: Template, type: string, part: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(part));
  expect(ids).toHaveLength(1);
  return ids[0]!;
}
function functionWith(template: Template, part: string): [string, Cfn] {
  const id = idWith(template, 'AWS::Lambda::Function', part);
  return [id, template.findResources('AWS::Lambda::Function')[id] as Cfn];
}
function statementsOfRole(template: Template, roleId: string): Statement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Cfn>).filter((p) =>
    (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId),
  );
  expect(policies).toHaveLength(1);
  return policies[0]!.Properties.PolicyDocument.Statement;
}
const roleOf = (fn: Cfn) => fn.Properties.Role['Fn::GetAtt'][0] as string;

/** The ASL of the one state machine, the action function's ARN replaced by a marker. */
function definitionOf(template: Template): any {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine') as Record<string, Cfn>);
  expect(machines).toHaveLength(1);
  const parts = machines[0]!.Properties.DefinitionString['Fn::Join'][1] as unknown[];
  return JSON.parse(
    parts.map((p) => (typeof p === 'string' ? p : `<${(p as { 'Fn::GetAtt': string[] })['Fn::GetAtt'].join('.')}>`)).join(''),
  );
}

describe('actions of the example stack', () => {
  let template: Template;
  let ids: Record<'bus' | 'bucket' | 'table' | 'budget' | 'dlq' | 'credentials' | 'token' | 'refresh', string>;
  let action: [string, Cfn];
  let command: [string, Cfn];
  beforeAll(() => {
    template = Template.fromStack(new ExampleStack(noBundling(), 'Example', { connector: config }));
    ids = {
      bus: idWith(template, 'AWS::Events::EventBus', 'EventBus'),
      bucket: idWith(template, 'AWS::S3::Bucket', 'PayloadBucket'),
      table: idWith(template, 'AWS::DynamoDB::GlobalTable', 'IdempotencyTable'),
      budget: idWith(template, 'AWS::DynamoDB::GlobalTable', 'RateBudget'),
      dlq: idWith(template, 'AWS::SQS::Queue', 'CommandDeadLetterQueue'),
      credentials: idWith(template, 'AWS::SecretsManager::Secret', 'CredentialsSecret'),
      token: idWith(template, 'AWS::SecretsManager::Secret', 'TokenSecret'),
      refresh: idWith(template, 'AWS::Lambda::Function', 'TokenRefresh'),
    };
    action = functionWith(template, 'ActionsActionFunction');
    command = functionWith(template, 'ActionsCommandFunction');
  });

  test('action and command functions: nodejs24.x, arm64, 2 minutes, 512 MB, exactly their environment', () => {
    const common = {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      TOKEN_SECRET_ARN: { Ref: ids.token },
      TOKEN_REFRESH_FUNCTION: { Ref: ids.refresh },
      COUPA_HOST: config.host,
      RATE_BUDGET_TABLE: { Ref: ids.budget },
      RATE_BUDGET_RPS: '20',
      INSTANCE: 'acme',
      IDEMPOTENCY_TABLE: { Ref: ids.table },
      IDEMPOTENCY_EXPIRY_SECONDS: '86400',
      PAYLOAD_BUCKET: { Ref: ids.bucket },
    };
    for (const [, fn] of [action, command]) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Architectures: ['arm64'],
        Timeout: 120,
        MemorySize: 512,
      });
    }
    expect(action[1].Properties.Environment.Variables).toEqual({ ...common, POWERTOOLS_SERVICE_NAME: 'coupa-action' });
    expect(command[1].Properties.Environment.Variables).toEqual({
      ...common,
      POWERTOOLS_SERVICE_NAME: 'coupa-command',
      EVENT_BUS_NAME: { Ref: ids.bus },
      EVENT_SOURCE: 'coupa.acme',
    });
  });

  test('the environment the construct writes is one the handlers accept', () => {
    for (const [[, fn], needsBus] of [
      [action, false],
      [command, true],
    ] as const) {
      const vars = fn.Properties.Environment.Variables as Record<string, unknown>;
      const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : `resolved-${k}`]));
      const parsed = actionEnvironment(env, { needsBus });
      expect({ instance: parsed.instance, expiry: parsed.idempotencyExpirySeconds, source: parsed.eventSource }).toEqual({
        instance: 'acme',
        expiry: 86_400,
        source: 'coupa.acme',
      });
      expect(parsed.tokens).toEqual({
        tokenSecretId: 'resolved-TOKEN_SECRET_ARN',
        refreshFunction: 'resolved-TOKEN_REFRESH_FUNCTION',
        defaultHost: config.host,
      });
    }
  });

  test('IAM: each role holds exactly its statements, on exact ARNs and the results key prefix', () => {
    const shared = (logGroupId: string): Statement[] => [
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: getAtt(logGroupId) },
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: ids.token } },
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: getAtt(ids.refresh) },
      { Effect: 'Allow', Action: [...ACTION_IAM.idempotency], Resource: getAtt(ids.table) },
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: getAtt(ids.budget) },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: objectArn(ids.bucket, '/actions/acme/*') },
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [objectArn(ids.bucket, '/attachments/*'), objectArn(ids.bucket, '/actions/acme/*')],
      },
    ];
    const logGroup = (fn: Cfn) => fn.Properties.LoggingConfig.LogGroup.Ref as string;
    expect(normalize(statementsOfRole(template, roleOf(action[1])))).toEqual(normalize(shared(logGroup(action[1]))));
    expect(normalize(statementsOfRole(template, roleOf(command[1])))).toEqual(
      normalize([
        ...shared(logGroup(command[1])),
        // Only its own result events: no command, no other source.
        {
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Resource: getAtt(ids.bus),
          Condition: {
            StringEquals: { 'events:source': 'coupa.acme', 'events:detail-type': ['Coupa Command Succeeded', 'Coupa Command Failed'] },
          },
        },
        // The on-failure destination: Lambda only sends.
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: getAtt(ids.dlq) },
      ]),
    );
  });

  test('IAM: every AWS call the action adapters make is granted', () => {
    const granted = new Set(statementsOfRole(template, roleOf(command[1])).flatMap(actionsOf));
    // Powertools' DynamoDBPersistenceLayer, as installed.
    const powertools = readFileSync(require.resolve('@aws-lambda-powertools/idempotency/dynamodb'), 'utf8');
    const sources: [string, string][] = [
      ['dynamodb', powertools],
      ['s3', readFileSync(path.join(__dirname, '../../shared/adapters/aws/S3PayloadStore.ts'), 'utf8')],
      ['s3', readFileSync(path.join(__dirname, '../../shared/adapters/aws/S3FileSource.ts'), 'utf8')],
      // The token secret is only read (StoredTokenProvider); the refresher is invoked.
      ['secretsmanager', 'GetSecretValueCommand'],
      [
        'lambda',
        readFileSync(path.join(__dirname, '../../shared/adapters/aws/LambdaTokenRefresher.ts'), 'utf8').replace(
          /\bInvokeCommand\b/g,
          'InvokeFunctionCommand',
        ),
      ],
      ['events', readFileSync(path.join(__dirname, '../../shared/adapters/aws/EventBridgeResultPublisher.ts'), 'utf8')],
    ];
    for (const [service, source] of sources) {
      const commands = [...new Set([...source.matchAll(/\b([A-Z]\w+)Command\b/g)].map((m) => m[1]!))];
      expect(commands.length).toBeGreaterThan(0);
      for (const c of commands) expect(granted).toContain(`${service}:${c}`);
    }
    expect(
      Object.values(ACTION_IAM)
        .flat()
        .every((a) => granted.has(a)),
    ).toBe(true);
  });

  test('command rule: Coupa Command from the listed sources (default coupa.<instance>.commands) naming this instance, to the command function, DLQ and retries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: ids.bus },
      EventPattern: { 'detail-type': ['Coupa Command'], source: ['coupa.acme.commands'], detail: { instance: ['acme'] } },
      State: 'ENABLED',
      Targets: [
        {
          Arn: getAtt(command[0]),
          Id: Match.anyValue(),
          DeadLetterConfig: { Arn: getAtt(ids.dlq) },
          RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 3600 },
        },
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: getAtt(command[0]), Principal: 'events.amazonaws.com' });
    // Function errors: two async retries within an hour, then the same dead-letter queue.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: command[0] },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: getAtt(ids.dlq) } },
    });
  });

  test('command dead-letter queue: encrypted, TLS only, 14 days, EventBridge may send from the rule only, alarm', () => {
    const queue = template.findResources('AWS::SQS::Queue')[ids.dlq] as Cfn;
    expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
    const ruleId = idWith(template, 'AWS::Events::Rule', 'CommandRule');
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: ids.dlq }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': getAtt(ruleId) } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(ids.dlq, 'QueueName') }],
      Threshold: 1,
    });
  });

  test('idempotency table: key id, TTL on expiration (as the handlers write it), on demand, PITR, deleted with the stack', () => {
    expect(IDEMPOTENCY_ATTRIBUTES).toMatchObject({ keyAttr: 'id', expiryAttr: 'expiration' });
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      Properties: Match.objectLike({
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      }),
      DeletionPolicy: 'Delete',
    });
  });

  test('example state machine: Retry on Coupa.RateLimited/Transient with backoff, Catch on Coupa.Validation, logs ALL, X-Ray', () => {
    const asl = definitionOf(template);
    const query = asl.States.QuerySuppliers;
    const update = asl.States.EachSupplier.ItemProcessor.States.UpdateSupplier;
    for (const task of [query, update]) {
      expect(task.Resource).toBe(`<${action[0]}.Arn>`);
      expect(task.Retry).toContainEqual({ ErrorEquals: RETRYABLE_ERRORS, IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2 });
    }
    expect(RETRYABLE_ERRORS).toEqual(['Coupa.RateLimited', 'Coupa.Transient']);
    expect(update.Catch).toEqual([{ ErrorEquals: CAUGHT_ERRORS, ResultPath: '$.failure', Next: 'RecordFailure' }]);
    expect(CAUGHT_ERRORS).toContain('Coupa.Validation');
    // A write that may have been applied is caught, never retried.
    expect(CAUGHT_ERRORS).toContain('Coupa.UnknownOutcome');
    expect(RETRYABLE_ERRORS).not.toContain('Coupa.UnknownOutcome');
    expect(asl.States.EachSupplier.ItemProcessor.States.RecordFailure).toMatchObject({
      Type: 'Pass',
      Parameters: { status: 'failed', 'error.$': '$.failure.Error' },
    });
    expect(update.Parameters).toMatchObject({
      action: 'update',
      object: 'suppliers',
      'idempotencyKey.$': "States.Format('{}:suppliers:{}', $.execution, $.id)",
    });
    expect(asl.States.EachSupplier).toMatchObject({ Type: 'Map', ItemsPath: '$.suppliers.records', MaxConcurrency: 2 });

    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine') as Record<string, Cfn>)[0]!;
    expect(machine.Properties).toMatchObject({
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    // Its role may invoke the action function (and its versions), nothing else of ours.
    const statements = statementsOfRole(template, machine.Properties.RoleArn['Fn::GetAtt'][0]);
    const invoke = statements.filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    expect(invoke).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [getAtt(action[0]), { 'Fn::Join': ['', [getAtt(action[0]), ':*']] }] },
    ]);
    template.hasOutput('ExampleStateMachineArn', {});
    template.hasOutput('ActionFunctionName', { Value: { Ref: action[0] } });
  });
});

describe('action options', () => {
  const build = (props: Partial<CoupaConnectorProps> = {}) => {
    const stack = new Stack(noBundling(), 'S');
    const connector = new CoupaConnector(stack, 'C', { instance: 'acme', ...props });
    return { stack, connector, template: Template.fromStack(stack) };
  };

  test('the functions are exposed; grantInvokeActions lets a role invoke the action function only', () => {
    const stack = new Stack(noBundling(), 'S');
    const connector = new CoupaConnector(stack, 'C', { instance: 'acme' });
    expect(connector.actions?.actionFunction).toBeDefined();
    expect(connector.actions?.commandFunction).toBeDefined();
    expect(connector.actions?.idempotencyTable).toBeDefined();
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
    connector.grantInvokeActions(role);
    const template = Template.fromStack(stack);
    expect(template.findResources('AWS::StepFunctions::StateMachine')).toEqual({}); // the example is the example stack's
    const [fnId] = functionWith(template, 'ActionsActionFunction');
    expect(statementsOfRole(template, idWith(template, 'AWS::IAM::Role', 'Caller'))).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [getAtt(fnId), { 'Fn::Join': ['', [getAtt(fnId), ':*']] }] },
    ]);
  });

  test('commandSources, expiry, timeout, memory, prefix, removal policy and an existing bus', () => {
    const stack = new Stack(noBundling(), 'S');
    new CoupaConnector(stack, 'C', {
      instance: 'acme',
      existingEventBus: events.EventBus.fromEventBusName(stack, 'Bus', 'shared-bus'),
      commandSources: ['com.acme.erp', 'com.acme.portal'],
      idempotencyExpiry: Duration.hours(2),
      actionTimeout: Duration.seconds(45),
      actionMemorySize: 1024,
      payloadPrefix: 'coupa',
      idempotencyTableRemovalPolicy: RemovalPolicy.RETAIN,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'shared-bus',
      EventPattern: { 'detail-type': ['Coupa Command'], source: ['com.acme.erp', 'com.acme.portal'], detail: { instance: ['acme'] } },
    });
    const [, action] = functionWith(template, 'ActionsActionFunction');
    expect(action.Properties).toMatchObject({ Timeout: 45, MemorySize: 1024 });
    expect(action.Properties.Environment.Variables).toMatchObject({ IDEMPOTENCY_EXPIRY_SECONDS: '7200', PAYLOAD_PREFIX: 'coupa' });
    const bucketId = idWith(template, 'AWS::S3::Bucket', 'PayloadBucket');
    expect(statementsOfRole(template, roleOf(action)).find((s) => actionsOf(s).includes('s3:PutObject'))?.Resource).toEqual(
      objectArn(bucketId, '/coupa/actions/acme/*'),
    );
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      Properties: Match.objectLike({ KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }),
      DeletionPolicy: 'Retain',
    });
    const [, command] = functionWith(template, 'ActionsCommandFunction');
    expect(
      JSON.stringify(statementsOfRole(template, roleOf(command)).find((s) => actionsOf(s).includes('events:PutEvents'))?.Resource),
    ).toContain(':event-bus/shared-bus');
  });

  test('grantSendCommands: PutEvents on the bus only for a command source and the Coupa Command detail type', () => {
    const stack = new Stack(noBundling(), 'S');
    const connector = new CoupaConnector(stack, 'C', { instance: 'acme', commandSources: ['com.acme.erp', 'com.acme.portal'] });
    const erp = new iam.Role(stack, 'Erp', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const portal = new iam.Role(stack, 'Portal', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(connector.grantSendCommands(erp).success).toBe(true);
    connector.grantSendCommands(portal, 'com.acme.portal');
    expect(() => connector.grantSendCommands(portal, 'com.attacker')).toThrow(
      /"com.attacker" is not one of commandSources \(com.acme.erp, com.acme.portal\)/,
    );
    const template = Template.fromStack(stack);
    const busArn = { 'Fn::GetAtt': [Object.keys(template.findResources('AWS::Events::EventBus'))[0]!, 'Arn'] };
    for (const [role, source] of [
      ['Erp', 'com.acme.erp'],
      ['Portal', 'com.acme.portal'],
    ] as const) {
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp(`^${role}`) }],
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: 'events:PutEvents',
              Resource: busArn,
              Condition: { StringEquals: { 'events:source': source, 'events:detail-type': 'Coupa Command' } },
            },
          ],
        },
      });
    }
    const other = new Stack(noBundling(), 'T');
    const noCommands = new CoupaConnector(other, 'C', { instance: 'acme', enableCommands: false });
    expect(() => noCommands.grantSendCommands(new iam.Role(other, 'R', { assumedBy: new iam.AccountRootPrincipal() }))).toThrow(
      /enableCommands is false/,
    );
    expect(build().connector.commandSources).toEqual(['coupa.acme.commands']);
  });

  test('attachmentSourceBuckets: GetObject on their objects (and KMS decrypt), their names in ATTACHMENT_SOURCE_BUCKETS, for both functions', () => {
    const stack = new Stack(noBundling(), 'S');
    const own = new s3.Bucket(stack, 'Scans', { encryption: s3.BucketEncryption.KMS, enforceSSL: true });
    const imported = s3.Bucket.fromBucketName(stack, 'Inbox', 'acme-invoice-inbox');
    new CoupaConnector(stack, 'C', { instance: 'acme', attachmentSourceBuckets: [own, imported] });
    const template = Template.fromStack(stack);
    const bucketId = idWith(template, 'AWS::S3::Bucket', 'PayloadBucket');
    const scansId = idWith(template, 'AWS::S3::Bucket', 'Scans');
    for (const [, fn] of [functionWith(template, 'ActionsActionFunction'), functionWith(template, 'ActionsCommandFunction')]) {
      expect(
        Template.fromJSON({ Resources: { F: fn } }).toJSON().Resources.F.Properties.Environment.Variables.ATTACHMENT_SOURCE_BUCKETS,
      ).toEqual({
        'Fn::Join': [',', [{ Ref: scansId }, 'acme-invoice-inbox']],
      });
      const statements = statementsOfRole(template, roleOf(fn));
      expect(statements.find((st) => actionsOf(st).includes('s3:GetObject'))?.Resource).toEqual([
        objectArn(bucketId, '/attachments/*'),
        objectArn(bucketId, '/actions/acme/*'),
        objectArn(scansId, '/*'),
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-invoice-inbox/*']] },
      ]);
      expect(statements.some((st) => actionsOf(st).includes('kms:Decrypt'))).toBe(true);
    }
  });

  test('enableCommands: false keeps the action function, without rule, command function or queue', () => {
    const { connector, template } = build({ enableCommands: false });
    expect(connector.actions?.actionFunction).toBeDefined();
    expect(connector.actions?.commandFunction).toBeUndefined();
    expect(connector.actions?.commandRule).toBeUndefined();
    expect(Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) => id.includes('Actions'))).toHaveLength(1);
    expect(Object.keys(template.findResources('AWS::SQS::Queue')).filter((id) => id.includes('Command'))).toEqual([]);
    template.resourcePropertiesCountIs('AWS::Events::Rule', { EventPattern: Match.anyValue() }, 0);
  });

  test('enableActions: false creates no action resources, and grantInvokeActions says why it cannot', () => {
    const stack = new Stack(noBundling(), 'S');
    const connector = new CoupaConnector(stack, 'C', { instance: 'acme', enableActions: false });
    const template = Template.fromStack(stack);
    expect(connector.actions).toBeUndefined();
    expect(Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) => id.includes('Actions'))).toEqual([]);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
    expect(() => connector.grantInvokeActions(role)).toThrow(/enableActions is false/);
  });

  test('the example stack adds the example state machine, wired to the action function', () => {
    const stack = new ExampleStack(noBundling(), 'Example', { connector: { ...config, exampleStateMachine: true } });
    expect(stack.exampleStateMachine).toBeDefined();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const roles = template.findResources('AWS::IAM::Policy') as Record<string, Cfn>;
    const invokes = Object.entries(roles).filter(
      ([id, p]) => id.includes('ExampleUpdateSuppliers') && JSON.stringify(p).includes('lambda:InvokeFunction'),
    );
    expect(invokes.length).toBeGreaterThan(0);
  });

  test('the example construct works with any action function, e.g. one imported by ARN', () => {
    const stack = new Stack(noBundling(), 'Own');
    const fn = lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:us-east-1:123456789012:function:coupa-action');
    new UpdateSuppliersStateMachine(stack, 'Example', {
      actionFunction: fn,
      retryInterval: Duration.seconds(2),
      retryMaxAttempts: 5,
      maxConcurrency: 4,
      limit: 10,
    });
    const machine = Object.values(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine') as Record<string, Cfn>)[0]!;
    const raw = machine.Properties.DefinitionString;
    const asl = JSON.parse(typeof raw === 'string' ? raw : (raw['Fn::Join'][1] as string[]).join(''));
    expect(asl.States.QuerySuppliers.Resource).toBe('arn:aws:lambda:us-east-1:123456789012:function:coupa-action');
    expect(asl.States.QuerySuppliers.Parameters.query.limit).toBe(10);
    expect(asl.States.EachSupplier.MaxConcurrency).toBe(4);
    expect(asl.States.QuerySuppliers.Retry).toContainEqual({
      ErrorEquals: RETRYABLE_ERRORS,
      IntervalSeconds: 2,
      MaxAttempts: 4,
      BackoffRate: 2,
    });
  });

  test.each<[string, Partial<CoupaConnectorProps>, RegExp]>([
    ['commands without actions', { enableActions: false, enableCommands: true }, /enableCommands needs enableActions/],
    [
      'commandSources with commands off',
      { enableCommands: false, commandSources: ['com.acme.erp'] },
      /commandSources is set but enableCommands is false/,
    ],
    ['empty commandSources', { commandSources: [] }, /commandSources must name at least one event source/],
    [
      "the connector's own source as a command source",
      { commandSources: ['com.acme.erp', 'coupa.acme'] },
      /may not include the connector's own source "coupa\.acme"/,
    ],
    ['an aws.* command source', { commandSources: ['aws.s3'] }, /custom event sources .* not aws\.\*/],
    [
      'an idempotency expiry under a minute',
      { idempotencyExpiry: Duration.seconds(30) },
      /idempotencyExpiry must be whole seconds from 1 minute to 30 days/,
    ],
    ['an idempotency expiry over 30 days', { idempotencyExpiry: Duration.days(31) }, /idempotencyExpiry must be/],
    [
      'an action timeout over 15 minutes',
      { actionTimeout: Duration.minutes(16) },
      /actionTimeout must be whole seconds from 10 seconds to 15 minutes/,
    ],
    ['an action timeout of 5 seconds', { actionTimeout: Duration.seconds(5) }, /actionTimeout must be/],
    ['action memory of 64 MB', { actionMemorySize: 64 }, /actionMemorySize must be a whole number of MB from 128 to 10240/],
    [
      'attachment sources without actions',
      { enableActions: false, enableCommands: false, attachmentSourceBuckets: [s3.Bucket.fromBucketName(new Stack(), 'B', 'inbox')] },
      /attachmentSourceBuckets is set but enableActions is false/,
    ],
  ])('rejects %s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});

describe('cdk-nag AwsSolutions (actions)', () => {
  test('a connector with every action option and the example state machine has no unacknowledged findings', () => {
    const app = noBundling();
    const stack = new Stack(app, 'Actions');
    new CoupaConnector(stack, 'C', {
      instance: 'acme',
      payloadPrefix: 'coupa/',
      commandSources: ['com.acme.erp'],
      idempotencyExpiry: Duration.hours(1),
      grantType: 'authorization_code',
      attachmentSourceBuckets: [
        new s3.Bucket(stack, 'Scans', { enforceSSL: true, serverAccessLogsPrefix: 'logs/' }),
        s3.Bucket.fromBucketName(stack, 'Inbox', 'acme-invoice-inbox'),
      ],
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    expect(() => app.synth()).not.toThrow();
  });

  test('the example state machine alone (own app, imported function) has no unacknowledged findings', () => {
    const app = noBundling();
    const stack = new Stack(app, 'Own');
    new UpdateSuppliersStateMachine(stack, 'Example', {
      actionFunction: lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:us-east-1:123456789012:function:coupa-action'),
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    expect(() => app.synth()).not.toThrow();
  });
});
