// CoupaConnector and the example stack, synthesized without bundling (no esbuild in unit tests).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { pollerEnvironment } from '../../functions/lib/env';
import { config } from '../../infra/config';
import { CoupaConnector, type CoupaConnectorProps, type PollerConfig } from '../../infra/CoupaConnector';
import { ExampleStack } from '../../infra/ExampleStack';
import { getObject } from '../../shared/catalog';
import { POLLER_ACTIONS } from '../../infra/Poller';
import { scheduleProblem, staggeredSchedule } from '../../infra/poller-schedule';
import {
  AWS_CALL_TIMEOUT_MS,
  LEASE_MS,
  STORE_BUDGET_MS,
  TOKEN_REFRESH_TIMEOUT_SECONDS,
  TOKEN_REQUEST_BUDGET_MS,
  refreshWorstCaseMs,
} from '../../shared/tokens/refresh-timing';

const noBundling = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };
function statements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}
/** Statements of each IAM policy, by the policy's logical id. */
function policyStatements(template: Template): Record<string, Statement[]> {
  return Object.fromEntries(
    Object.entries(template.findResources('AWS::IAM::Policy')).map(([id, p]) => [
      id,
      (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    ]),
  );
}
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const logicalId = (template: Template, type: string, description: RegExp) => {
  const found = Object.entries(template.findResources(type)).filter(([, r]) =>
    description.test(String((r as { Properties?: { Description?: string } }).Properties?.Description)),
  );
  expect(found).toHaveLength(1);
  return found[0]![0];
};

describe('example stack (client_credentials, defaults)', () => {
  let template: Template;
  let credentialsId: string;
  let tokenId: string;
  beforeAll(() => {
    const app = noBundling();
    const stack = new ExampleStack(app, 'Example', { connector: config });
    template = Template.fromStack(stack);
    credentialsId = logicalId(template, 'AWS::SecretsManager::Secret', /credentials/);
    tokenId = logicalId(template, 'AWS::SecretsManager::Secret', /access token/);
  });

  test('token-refresh function: nodejs24.x, arm64, env names both secrets and the lease table', () => {
    const leaseId = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable')).find((id) => id.includes('TokenLease'))!;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          CREDENTIALS_SECRET_ARN: { Ref: credentialsId },
          TOKEN_SECRET_ARN: { Ref: tokenId },
          TOKEN_LEASE_TABLE: { Ref: leaseId },
          COUPA_HOST: config.host,
          COUPA_GRANT_TYPE: 'client_credentials',
          MIN_VALIDITY_SECONDS: String(6 * 3600),
        }),
      },
    });
  });

  test('token-refresh timeout covers the worst case of one refresh, and the lease outlives the function', () => {
    const [fn] = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: Match.objectLike({ TOKEN_LEASE_TABLE: Match.anyValue() }) } },
      }),
    ) as Cfn[];
    const timeoutMs = (fn!.Properties.Timeout as number) * 1000;
    expect(timeoutMs).toBe(TOKEN_REFRESH_TIMEOUT_SECONDS * 1000);
    // Never killed between minting a single-use refresh token and storing it (with its retries).
    expect(TOKEN_REQUEST_BUDGET_MS + 2 * (STORE_BUDGET_MS + AWS_CALL_TIMEOUT_MS)).toBeLessThan(timeoutMs);
    expect(refreshWorstCaseMs()).toBeLessThan(timeoutMs);
    expect(LEASE_MS).toBeGreaterThan(timeoutMs);
  });

  test('token lease table: pk string, on demand, point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
    const leaseId = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable')).find((id) => id.includes('TokenLease'))!;
    const users = Object.values(policyStatements(template)).filter((list) => JSON.stringify(list).includes(`"${leaseId}"`));
    expect(users).toHaveLength(1); // the token-refresh function's role only
  });

  test('runs every 4 hours with retries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(4 hours)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } })],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
  });

  test('every function logs JSON, its own lines at WARN (no START/REPORT), the handlers’ and metrics lines at INFO', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(3);
    for (const fn of functions) {
      expect(fn.Properties.LoggingConfig).toEqual(
        expect.objectContaining({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' }),
      );
    }
  });

  test('own log group with retention; role without managed policies', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('IAM: no wildcard actions; only the token-refresh role writes a secret or reads the credentials; the others read the token and invoke the refresher', () => {
    const all = statements(template);
    expect(all.flatMap(actionsOf).filter((a) => a.includes('*'))).toEqual([]);
    // Lambda roles only: the example state machine's role touches no secrets.
    const policies = Object.fromEntries(Object.entries(policyStatements(template)).filter(([id]) => !id.includes('StateMachine')));
    expect(Object.keys(policies)).toHaveLength(1 + config.objects.length + 2); // token refresh, one per poller, action, command
    const refreshFn = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) => id.includes('TokenRefresh'))!;
    const secretsOf = (policy: Statement[]) =>
      Object.fromEntries(
        policy
          .filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')))
          .map((s) => [(s.Resource as { Ref: string }).Ref, actionsOf(s).sort()]),
      );
    const [refresher, ...consumers] = Object.entries(policies).sort(
      ([a], [b]) => Number(!a.includes('TokenRefresh')) - Number(!b.includes('TokenRefresh')),
    );
    expect(refresher![0]).toContain('TokenRefresh');
    expect(secretsOf(refresher![1])).toEqual({
      [tokenId]: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
      [credentialsId]: ['secretsmanager:GetSecretValue'], // client credentials: nothing rotates
    });
    for (const [, policy] of consumers) {
      expect(secretsOf(policy)).toEqual({ [tokenId]: ['secretsmanager:GetSecretValue'] });
      expect(policy.filter((s) => actionsOf(s).some((a) => a.startsWith('lambda:')))).toEqual([
        { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [refreshFn, 'Arn'] } },
      ]);
    }
  });

  test('credentials secret is retained, token secret is not; the template holds placeholders only', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({ Description: Match.stringLikeRegexp('credentials') }),
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({ Description: Match.stringLikeRegexp('access token') }),
      DeletionPolicy: 'Delete',
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: {
        SecretStringTemplate: '{"clientId":"REPLACE_ME","scopes":[]}',
        GenerateStringKey: 'clientSecret',
        ExcludePunctuation: true,
      },
    });
  });

  test('required scopes: computed from the pollers and actions, output as RequiredScopes and given to the token refresher', () => {
    const scopes =
      'core.common.read core.invoice.read core.purchase_order.read core.supplier.read core.invoice.write core.purchase_order.write core.supplier.write';
    template.hasOutput('RequiredScopes', { Value: scopes });
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Cfn[];
    const withCredentials = functions.filter((f) => f.Properties.Environment?.Variables?.CREDENTIALS_SECRET_ARN);
    expect(withCredentials).toHaveLength(1); // only the refresher mints tokens
    expect(withCredentials[0]!.Properties.Environment.Variables.COUPA_SCOPES).toBe(scopes);
    // The secret's template stays constant (changing it would regenerate the secret, wiping the client).
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"clientId":"REPLACE_ME","scopes":[]}' }),
    });
  });

  test('creates a bus and an alarm on refresh errors', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  test('cfn-lint finds no errors in the synthesized template', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cfn-lint-'));
    try {
      const file = path.join(dir, 'template.json');
      writeFileSync(file, JSON.stringify(template.toJSON()));
      const run = spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });
      if (run.error) throw new Error(`cfn-lint is not installed (pip install cfn-lint): ${run.error.message}`);
      // Exit code bits: 2 = errors, 4 = warnings, 8 = informational. Errors fail; the rest is shown.
      expect({ errors: (run.status ?? 0) & 2, output: run.stdout }).toEqual({ errors: 0, output: expect.any(String) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('options', () => {
  const build = (props: Partial<CoupaConnectorProps>, prepare?: (stack: Stack) => Partial<CoupaConnectorProps>) => {
    const stack = new Stack(noBundling(), 'S');
    new CoupaConnector(stack, 'C', { instance: 'acme', ...props, ...prepare?.(stack) });
    return Template.fromStack(stack);
  };

  test('authorization_code lets the refresh, and only it, write the rotated refresh token', () => {
    const t = build({ grantType: 'authorization_code', pollers: [{ object: 'invoices' }] });
    for (const secret of [
      logicalId(t, 'AWS::SecretsManager::Secret', /credentials/),
      logicalId(t, 'AWS::SecretsManager::Secret', /access token/),
    ]) {
      const writers = Object.entries(policyStatements(t)).filter(([, list]) =>
        list.some((s) => (s.Resource as { Ref?: string }).Ref === secret && actionsOf(s).includes('secretsmanager:PutSecretValue')),
      );
      expect(writers.map(([id]) => id)).toEqual([expect.stringContaining('TokenRefresh')]); // exactly one writer per secret
    }
    const creds = logicalId(t, 'AWS::SecretsManager::Secret', /credentials/);
    const readers = statements(t).filter((s) => (s.Resource as { Ref?: string }).Ref === creds);
    expect(readers).toHaveLength(1); // pollers, actions and commands never see the client secret
  });

  test('existing bus and credentials secret are used, not created', () => {
    const t = build({}, (stack) => ({
      existingEventBus: events.EventBus.fromEventBusName(stack, 'Bus', 'shared-bus'),
      existingCredentialsSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Creds', 'coupa/acme'),
    }));
    t.resourceCountIs('AWS::Events::EventBus', 0);
    t.resourceCountIs('AWS::SecretsManager::Secret', 1); // only the token secret
  });

  test('custom schedule and validity', () => {
    const t = build({ tokenRefreshInterval: Duration.hours(1), tokenMinValidity: Duration.hours(3) });
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MIN_VALIDITY_SECONDS: '10800' }) },
    });
  });

  test.each<[string, Partial<CoupaConnectorProps>, string[]]>([
    ['pollers only, no actions', { pollers: [{ object: 'invoices' }], enableActions: false }, ['core.common.read', 'core.invoice.read']],
    [
      'actionObjects instead of the poller objects',
      { pollers: [{ object: 'invoices' }], actionObjects: ['suppliers'] },
      ['core.common.read', 'core.invoice.read', 'core.supplier.read', 'core.supplier.write'],
    ],
    [
      'authorization code adds offline_access',
      { pollers: [{ object: 'users' }], grantType: 'authorization_code' },
      ['core.common.read', 'core.user.read', 'core.user.write', 'offline_access'],
    ],
  ])('requiredScopes: %s', (_name, props, scopes) => {
    const stack = new Stack(noBundling(), 'S');
    const connector = new CoupaConnector(stack, 'C', { instance: 'acme', ...props });
    expect(connector.requiredScopes).toEqual(scopes);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ COUPA_SCOPES: scopes.join(' ') }) },
    });
  });

  test.each<[string, Partial<CoupaConnectorProps> | ((s: Stack) => Partial<CoupaConnectorProps>), RegExp]>([
    [
      'actionObjects without actions',
      { actionObjects: ['suppliers'], enableActions: false, enableCommands: false },
      /actionObjects needs enableActions/,
    ],
    ['unknown actionObjects', { actionObjects: ['supplierz'] }, /actionObjects: unknown objects supplierz/],
    [
      'existingEventBus with eventBusProps',
      (s) => ({ existingEventBus: events.EventBus.fromEventBusName(s, 'B', 'b'), eventBusProps: {} }),
      /existingEventBus or eventBusProps, not both/,
    ],
    ['instance with capitals', { instance: 'Acme' }, /instance must be lowercase/],
    ['http host', { host: 'http://acme.coupahost.com' }, /host must be an https/],
    ['host with a path', { host: 'https://acme.coupahost.com/api' }, /host must be an https/],
    ['unknown grant type', { grantType: 'password' as never }, /grantType must be/],
    [
      'validity not above interval',
      { tokenRefreshInterval: Duration.hours(6), tokenMinValidity: Duration.hours(6) },
      /must exceed tokenRefreshInterval/,
    ],
    [
      'validity beyond token life',
      { tokenRefreshInterval: Duration.hours(4), tokenMinValidity: Duration.hours(24) },
      /24 h token lifetime/,
    ],
    ['sub-minute interval', { tokenRefreshInterval: Duration.seconds(30) }, /whole number of minutes/],
  ])('rejects %s', (_name, props, message) => {
    const prepare = typeof props === 'function' ? props : () => props;
    expect(() => build({}, prepare)).toThrow(message);
  });
});

// --- pollers -----------------------------------------------------------------------------------------

type Cfn = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
const onlyId = (template: Template, type: string) => {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};
/** The one resource of a type whose logical id does (or, with `not`, does not) contain `part`. */
const idWith = (template: Template, type: string, part: string, not = false) => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(part) !== not);
  expect(ids).toHaveLength(1);
  return ids[0]!;
};
/** Poller functions by their OBJECT. */
const pollerFunctions = (template: Template): Record<string, [string, Cfn]> =>
  Object.fromEntries(
    Object.entries(template.findResources('AWS::Lambda::Function') as Record<string, Cfn>)
      .filter(([, r]) => r.Properties.Environment?.Variables?.OBJECT)
      .map(([id, r]) => [r.Properties.Environment.Variables.OBJECT as string, [id, r]]),
  );
/** The statements of the policy attached to a function's role. */
const statementsOfFunction = (template: Template, fn: Cfn): Statement[] => {
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Cfn>).filter((p) =>
    (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId),
  );
  expect(policies).toHaveLength(1);
  return policies[0]!.Properties.PolicyDocument.Statement;
};
/** Rules by the logical id of the function they target. */
const rulesByTarget = (template: Template): Record<string, Cfn> =>
  Object.fromEntries(
    Object.values(template.findResources('AWS::Events::Rule') as Record<string, Cfn>).map((r) => [
      r.Properties.Targets[0].Arn['Fn::GetAtt'][0],
      r,
    ]),
  );
const normalize = (list: Statement[]) =>
  list.map((s) => JSON.stringify({ Effect: s.Effect, Action: actionsOf(s).sort(), Resource: s.Resource })).sort();
const objectArn = (bucketId: string, key: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, key]] });

describe('pollers of the example stack', () => {
  let template: Template;
  let ids: Record<'bus' | 'table' | 'budget' | 'bucket' | 'queue' | 'credentials' | 'token' | 'refresh', string>;
  let functions: Record<string, [string, Cfn]>;
  beforeAll(() => {
    template = Template.fromStack(new ExampleStack(noBundling(), 'Example', { connector: config }));
    ids = {
      bus: onlyId(template, 'AWS::Events::EventBus'),
      table: idWith(template, 'AWS::DynamoDB::GlobalTable', 'CheckpointTable'),
      budget: idWith(template, 'AWS::DynamoDB::GlobalTable', 'RateBudget'),
      bucket: onlyId(template, 'AWS::S3::Bucket'),
      queue: idWith(template, 'AWS::SQS::Queue', 'Command', true),
      credentials: logicalId(template, 'AWS::SecretsManager::Secret', /credentials/),
      token: logicalId(template, 'AWS::SecretsManager::Secret', /access token/),
      refresh: idWith(template, 'AWS::Lambda::Function', 'TokenRefresh'),
    };
    functions = pollerFunctions(template);
  });

  test('one function per configured object, with exactly the poller environment', () => {
    expect(Object.keys(functions).sort()).toEqual(config.objects.map((o) => o.object).sort());
    template.resourceCountIs('AWS::Lambda::Function', config.objects.length + 3); // + token refresh, action, command
    for (const o of config.objects) {
      const [, fn] = functions[o.object]!;
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Architectures: ['arm64'],
        Timeout: 300,
        MemorySize: 512,
      });
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
      expect(fn.Properties.Environment.Variables).toEqual({
        NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=8',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_SERVICE_NAME: 'coupa-poller',
        TOKEN_SECRET_ARN: { Ref: ids.token },
        TOKEN_REFRESH_FUNCTION: { Ref: ids.refresh },
        COUPA_HOST: config.host,
        RATE_BUDGET_TABLE: { Ref: ids.budget },
        RATE_BUDGET_RPS: '20',
        OBJECT: o.object,
        INSTANCE: config.instance,
        EVENT_SOURCE: `coupa.${config.instance}`,
        EVENT_BUS_NAME: { Ref: ids.bus },
        CHECKPOINT_TABLE: { Ref: ids.table },
        PAYLOAD_BUCKET: { Ref: ids.bucket },
        DEAD_LETTER_QUEUE_URL: { Ref: ids.queue },
        LAG_SECONDS: String(o.lagSeconds ?? 120),
        RETURN_TYPE: 'default',
      });
    }
  });

  test('the environment the construct writes is one the handler accepts', () => {
    for (const o of config.objects) {
      const vars = functions[o.object]![1].Properties.Environment.Variables as Record<string, unknown>;
      const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : `resolved-${k}`]));
      env.DEAD_LETTER_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq';
      const parsed = pollerEnvironment(env);
      expect({ object: parsed.object.key, source: parsed.source, lagSeconds: parsed.lagSeconds }).toEqual({
        object: o.object,
        source: 'coupa.acme',
        lagSeconds: o.lagSeconds ?? 120,
      });
      expect(parsed.tokens).toEqual({
        tokenSecretId: 'resolved-TOKEN_SECRET_ARN',
        refreshFunction: 'resolved-TOKEN_REFRESH_FUNCTION',
        defaultHost: config.host,
      });
    }
  });

  test('schedules: cron rules staggered by minute, no retries into the next run', () => {
    const rules = rulesByTarget(template);
    const expressions = Object.fromEntries(
      config.objects.map((o) => [o.object, rules[functions[o.object]![0]]!.Properties.ScheduleExpression]),
    );
    expect(expressions).toEqual({
      invoices: 'cron(0/5 * * * ? *)',
      purchase_orders: 'cron(1/5 * * * ? *)',
      suppliers: 'cron(2/15 * * * ? *)',
    });
    const offsets = Object.values(expressions).map((e) => Number(/^cron\((\d+)/.exec(e)![1]));
    expect(new Set(offsets).size).toBe(offsets.length);
    for (const o of config.objects) {
      const [fnId] = functions[o.object]!;
      expect(rules[fnId]!.Properties.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fnId },
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 60,
      });
    }
  });

  test('IAM: each poller role holds exactly its statements, scoped to exact ARNs and its own key prefixes', () => {
    for (const o of config.objects) {
      const [, fn] = functions[o.object]!;
      const expected: Statement[] = [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [fn.Properties.LoggingConfig.LogGroup.Ref, 'Arn'] },
        },
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: ids.token } },
        { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [ids.refresh, 'Arn'] } },
        { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: { 'Fn::GetAtt': [ids.budget, 'Arn'] } },
        { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: { 'Fn::GetAtt': [ids.table, 'Arn'] } },
        // Only this object's change events under the connector's source: never a Coupa Command.
        {
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Resource: { 'Fn::GetAtt': [ids.bus, 'Arn'] },
          Condition: {
            StringEquals: {
              'events:source': 'coupa.acme',
              'events:detail-type': [`Coupa ${getObject(o.object).title} Created`, `Coupa ${getObject(o.object).title} Updated`],
            },
          },
        },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [ids.queue, 'Arn'] } },
        {
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: [objectArn(ids.bucket, `/acme/${o.object}/*`), objectArn(ids.bucket, '/dead-letters/*')],
        },
      ];
      expect(normalize(statementsOfFunction(template, fn))).toEqual(normalize(expected));
    }
    const everything = Object.entries(policyStatements(template)).flatMap(([id, list]) => (id.includes('StateMachine') ? [] : list));
    expect(everything.flatMap(actionsOf).filter((a) => a.includes('*'))).toEqual([]);
    expect(everything.filter((s) => s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*')))).toEqual([]);
  });

  test('IAM: every AWS call the poller adapters make is granted', () => {
    const adapters: Record<string, string> = {
      DynamoCheckpointStore: 'dynamodb',
      EventBridgePublisher: 'events',
      S3PayloadStore: 's3',
      SqsDeadLetterSink: 'sqs',
      LambdaTokenRefresher: 'lambda',
    };
    // SendMessageBatch is authorized by sqs:SendMessage; Invoke by lambda:InvokeFunction.
    const iamActionOf: Record<string, string> = { SendMessageBatch: 'SendMessage', Invoke: 'InvokeFunction' };
    // The poller's wiring: its own adapters, and the token adapter through functions/lib/tokens.ts.
    const deps = ['poller-deps.ts', 'tokens.ts']
      .map((f) => readFileSync(path.join(__dirname, '../../functions/lib', f), 'utf8'))
      .join('\n');
    const granted = new Set(statementsOfFunction(template, functions.invoices![1]).flatMap(actionsOf));
    for (const [adapter, service] of Object.entries(adapters)) {
      expect(deps).toContain(`shared/adapters/aws/${adapter}'`);
      const source = readFileSync(path.join(__dirname, `../../shared/adapters/aws/${adapter}.ts`), 'utf8');
      const commands = [...source.matchAll(/\b([A-Z]\w+)Command\b/g)].map((m) => m[1]!);
      expect(commands.length).toBeGreaterThan(0);
      for (const command of commands) expect(granted).toContain(`${service}:${iamActionOf[command] ?? command}`);
    }
    expect(
      Object.values(POLLER_ACTIONS)
        .flat()
        .every((a) => granted.has(a)),
    ).toBe(true);
    // The token secret through SecretsManagerSecretStore, read only (StoredTokenProvider never writes).
    expect(deps).toContain("shared/adapters/aws/SecretsManagerSecretStore'");
    expect(granted).toContain('secretsmanager:GetSecretValue');
    expect(granted).not.toContain('secretsmanager:PutSecretValue');
  });

  test('checkpoint table: pk string, on demand, point-in-time recovery, retained', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      Properties: Match.objectLike({
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      }),
      DeletionPolicy: 'Retain',
    });
  });

  test('payload bucket: encrypted, private, TLS only, expiring after 30 days, retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })] },
      }),
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: ids.bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('dead-letter queue: encrypted, TLS only, 14 days, alarm while messages are visible', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: ids.queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.queue, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  test('a falling-behind alarm per poller on the watermark age it reports', () => {
    for (const [object, minutes, lag] of [
      ['invoices', 5, 120],
      ['purchase_orders', 5, 300],
      ['suppliers', 15, 120],
    ] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'CoupaConnector',
        MetricName: 'WatermarkAgeSeconds',
        Dimensions: [
          { Name: 'Instance', Value: 'acme' },
          { Name: 'Object', Value: object },
        ],
        Period: minutes * 60,
        EvaluationPeriods: 3,
        Threshold: lag + minutes * 60 + Math.min(minutes, 5) * 60,
        TreatMissingData: 'breaching',
      });
    }
  });

  test('outputs name the table, bucket and dead-letter queue', () => {
    template.hasOutput('CheckpointTableName', { Value: { Ref: ids.table } });
    template.hasOutput('PayloadBucketName', { Value: { Ref: ids.bucket } });
    template.hasOutput('DeadLetterQueueUrl', { Value: { Ref: ids.queue } });
  });
});

const everyOption = (stack: Stack): CoupaConnectorProps => ({
  instance: 'acme',
  existingEventBus: events.EventBus.fromEventBusName(stack, 'Bus', 'shared-bus'),
  payloadPrefix: 'coupa',
  payloadRetention: Duration.days(10),
  deadLetterRetention: Duration.days(3),
  payloadBucketRemovalPolicy: RemovalPolicy.DESTROY,
  checkpointTableRemovalPolicy: RemovalPolicy.DESTROY,
  payloadAccessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'central-logs'),
  reservePollerConcurrency: true,
  logRetention: logs.RetentionDays.ONE_WEEK,
  systemLogLevel: lambda.SystemLogLevel.INFO,
  pollers: [
    {
      object: 'invoices',
      schedule: Duration.hours(2),
      timeout: Duration.minutes(15),
      memorySize: 1024,
      lagSeconds: 30,
      since: '2026-11-01T01:00:00+01:00',
      returnType: 'shallow',
      fields: ['id', 'status', { supplier: ['name'] }],
      filters: { status: { in: ['approved'] } },
      inlineLimitBytes: 100_000,
    },
    { object: 'purchase-orders', schedule: Duration.minutes(1) },
    { object: 'users', returnType: 'limited' },
  ],
});

describe('poller options', () => {
  let template: Template;
  let connector: CoupaConnector;
  let functions: Record<string, [string, Cfn]>;
  beforeAll(() => {
    const stack = new Stack(noBundling(), 'S');
    connector = new CoupaConnector(stack, 'C', everyOption(stack));
    template = Template.fromStack(stack);
    functions = pollerFunctions(template);
  });

  test('pollers are exposed by catalog key (dashed keys normalized)', () => {
    expect(Object.keys(connector.pollers)).toEqual(['invoices', 'purchase_orders', 'users']);
    for (const poller of Object.values(connector.pollers)) {
      expect(poller.function).toBeDefined();
      expect(poller.schedule).toBeDefined();
      expect(poller.behindAlarm).toBeDefined();
    }
  });

  test('per-poller settings reach the function and its environment', () => {
    const invoices = functions.invoices![1].Properties;
    expect(invoices).toMatchObject({ Timeout: 900, MemorySize: 1024, ReservedConcurrentExecutions: 1 });
    expect(invoices.Environment.Variables).toMatchObject({
      LAG_SECONDS: '30',
      SINCE: '2026-11-01T00:00:00.000Z',
      RETURN_TYPE: 'shallow',
      FIELDS: '["id","status",{"supplier":["name"]}]',
      FILTERS: '{"status":{"in":["approved"]}}',
      INLINE_LIMIT_BYTES: '100000',
      PAYLOAD_PREFIX: 'coupa',
      EVENT_BUS_NAME: 'shared-bus',
    });
    expect(functions.purchase_orders![1].Properties).toMatchObject({ Timeout: 60, MemorySize: 512 });
    expect(functions.users![1].Properties.Environment.Variables.RETURN_TYPE).toBe('limited');
  });

  test('log retention and Lambda’s own log level reach every function', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    for (const fn of functions) expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON', SystemLogLevel: 'INFO' });
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBe(functions.length);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(7);
  });

  test('hour and minute schedules keep their stagger', () => {
    const rules = rulesByTarget(template);
    const expression = (object: string) => rules[functions[object]![0]]!.Properties.ScheduleExpression;
    expect([expression('invoices'), expression('purchase_orders'), expression('users')]).toEqual([
      'cron(0 0/2 * * ? *)',
      'cron(0/1 * * * ? *)',
      'cron(2/5 * * * ? *)',
    ]);
  });

  test('grants follow the prefix and the existing bus', () => {
    const granted = statementsOfFunction(template, functions.invoices![1]);
    const bucketId = onlyId(template, 'AWS::S3::Bucket');
    expect(granted.find((s) => actionsOf(s).includes('s3:PutObject'))?.Resource).toEqual([
      objectArn(bucketId, '/coupa/acme/invoices/*'),
      objectArn(bucketId, '/coupa/dead-letters/*'),
    ]);
    const putEvents = granted.find((s) => actionsOf(s).includes('events:PutEvents'));
    expect(JSON.stringify(putEvents?.Resource)).toContain(':event-bus/shared-bus');
    template.resourceCountIs('AWS::Events::EventBus', 0);
  });

  test('bucket: access logs, retention, removal policies', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        LoggingConfiguration: { DestinationBucketName: 'central-logs', LogFilePrefix: 'coupa-payloads/' },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 10 })] },
      }),
      DeletionPolicy: 'Delete',
    });
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      Properties: Match.objectLike({ KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }),
      DeletionPolicy: 'Delete',
    });
  });

  test('without pollers (and actions): shared resources, no poller functions or rules', () => {
    const stack = new Stack(noBundling(), 'Bare');
    const bare = new CoupaConnector(stack, 'C', { instance: 'acme', enableActions: false });
    const t = Template.fromStack(stack);
    expect(bare.pollers).toEqual({});
    t.resourceCountIs('AWS::Lambda::Function', 1);
    t.resourceCountIs('AWS::Events::Rule', 1);
    t.resourceCountIs('AWS::DynamoDB::GlobalTable', 3); // checkpoints, token lease, rate budget
  });

  const poller = (p: Partial<PollerConfig>): Partial<CoupaConnectorProps> => ({ pollers: [{ object: 'invoices', ...p }] });
  test.each<[string, Partial<CoupaConnectorProps>, RegExp]>([
    [
      'an unknown object',
      { pollers: [{ object: 'widgets' }] },
      /pollers\[0\] \(widgets\): unknown Coupa object "widgets"\. Pollable objects: accounts, addresses,.* invoices,/,
    ],
    [
      'an object without a trigger',
      { pollers: [{ object: 'expense_lines' }] },
      /pollers\[0\] \(expense_lines\): Coupa offers no change trigger for expense_lines\. Pollable objects: /,
    ],
    [
      'a duplicate object',
      { pollers: [{ object: 'purchase_orders' }, { object: 'purchase-orders' }] },
      /pollers\[1\] \(purchase-orders\): duplicate poller for purchase_orders \(also pollers\[0\]\)/,
    ],
    ['a filter on updated_at', poller({ filters: { updated_at: { gt: '2026-01-01T00:00:00Z' } } }), /filters may not set updated_at/],
    ['a filter on id', poller({ filters: { id: { gt: 5 } } }), /filters may not set id/],
    ['a filter on order_by', poller({ filters: { order_by: 'id' } }), /filters may not set order_by/],
    [
      'a dashed, bracketed filter on updated-at',
      poller({ filters: { 'updated-at[gt]': '2026-01-01' } }),
      /filters may not set updated-at\[gt\]/,
    ],
    ['filters that are not an object', poller({ filters: ['status'] as never }), /filters must be an object of Coupa conditions/],
    [
      'fields with returnType limited',
      poller({ returnType: 'limited', fields: ['id'] }),
      /fields cannot be combined with returnType "limited"/,
    ],
    ['empty fields', poller({ fields: [] }), /fields must be a non-empty array/],
    ['since without a zone', poller({ since: '2026-11-01T00:00:00' }), /since must be an ISO 8601 instant with a zone/],
    ['since that is no date', poller({ since: 'yesterday' }), /since must be an ISO 8601 instant/],
    ['an unknown returnType', poller({ returnType: 'full' as never }), /returnType must be one of default, shallow, limited/],
    ['a negative lagSeconds', poller({ lagSeconds: -1 }), /lagSeconds must be a whole number from 0 to 86400/],
    ['a fractional lagSeconds', poller({ lagSeconds: 1.5 }), /lagSeconds must be a whole number/],
    ['a lag over a day', poller({ lagSeconds: 86_401 }), /lagSeconds must be a whole number/],
    [
      'a 7-minute schedule',
      poller({ schedule: Duration.minutes(7) }),
      /schedule must be 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60 minutes or .* hours .*got 7 minutes/,
    ],
    ['a 90-second schedule', poller({ schedule: Duration.seconds(90) }), /schedule must be/],
    ['a 5-hour schedule', poller({ schedule: Duration.hours(5) }), /schedule must be/],
    [
      'a timeout above the schedule',
      poller({ schedule: Duration.minutes(5), timeout: Duration.minutes(10) }),
      /timeout \(10 minutes\) must not exceed schedule \(5 minutes\)/,
    ],
    ['a timeout under a minute', poller({ timeout: Duration.seconds(30) }), /timeout must be from 1 to 15 minutes/],
    [
      'a timeout over 15 minutes',
      poller({ schedule: Duration.minutes(30), timeout: Duration.minutes(20) }),
      /timeout must be from 1 to 15 minutes/,
    ],
    ['memory below 128 MB', poller({ memorySize: 64 }), /memorySize must be a whole number of MB from 128 to 10240/],
    ['an inline limit over 256 KiB', poller({ inlineLimitBytes: 300_000 }), /inlineLimitBytes must be a whole number from 1024 to 262144/],
    [
      'fields and filters too large for the environment',
      poller({ filters: { status: { in: Array.from({ length: 300 }, (_, i) => `status-${i}`) } } }),
      /more than 2048 bytes as JSON/,
    ],
    ['payloadRetention of hours', { payloadRetention: Duration.hours(12) }, /payloadRetention must be a whole number of days/],
    ['a payloadPrefix escaping upwards', { payloadPrefix: '../x' }, /payloadPrefix must be path segments/],
  ])('rejects %s', (_name, props, message) => {
    expect(() => new CoupaConnector(new Stack(noBundling(), 'S'), 'C', { instance: 'acme', ...props })).toThrow(message);
  });
});

describe('poller schedule stagger', () => {
  test.each<[Duration, number, string]>([
    [Duration.minutes(5), 0, 'cron(0/5 * * * ? *)'],
    [Duration.minutes(5), 7, 'cron(2/5 * * * ? *)'],
    [Duration.minutes(15), 3, 'cron(3/15 * * * ? *)'],
    [Duration.minutes(60), 70, 'cron(10 * * * ? *)'],
    [Duration.hours(6), 4, 'cron(4 0/6 * * ? *)'],
    [Duration.hours(24), 3, 'cron(3 0 * * ? *)'],
  ])('%s at index %i runs as %s', (interval, index, expression) => {
    expect(staggeredSchedule(interval, index).expressionString).toBe(expression);
  });

  test('intervals that do not divide an hour or a day are refused', () => {
    expect(scheduleProblem(Duration.minutes(45))).toMatch(/schedule must be/);
    expect(scheduleProblem(Duration.hours(2))).toBeUndefined();
  });
});

describe('cdk-nag AwsSolutions', () => {
  test('the example stack has no unacknowledged findings', () => {
    const app = noBundling();
    new ExampleStack(app, 'Example', { connector: config });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    expect(() => app.synth()).not.toThrow();
  });

  test('a connector with every poller option has no unacknowledged findings', () => {
    const app = noBundling();
    const stack = new Stack(app, 'Options');
    new CoupaConnector(stack, 'C', everyOption(stack));
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    expect(() => app.synth()).not.toThrow();
  });

  test('the check has teeth: an unacknowledged secret fails the synth', () => {
    const app = noBundling();
    new secretsmanager.Secret(new Stack(app, 'Bad'), 'Plain');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SMG4/);
  });
});

describe('grants for your own functions', () => {
  const build = () => {
    const stack = new Stack(noBundling(), 'Grants');
    const connector = new CoupaConnector(stack, 'C', {
      instance: 'acme',
      payloadPrefix: 'coupa',
      pollers: [{ object: 'invoices' }, { object: 'suppliers' }],
    });
    const role = new iam.Role(stack, 'Consumer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    return { stack, connector, role };
  };
  const roleStatements = (template: Template) =>
    Object.entries(template.findResources('AWS::IAM::Policy') as Record<string, Cfn>)
      .filter(([id]) => id.startsWith('Consumer'))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);

  test('grantReadPayloads: GetObject on the claim checks of the given objects and on action results, nothing else', () => {
    const { stack, connector, role } = build();
    const grant = connector.grantReadPayloads(role, ['invoices']);
    expect(grant.success).toBe(true);
    const template = Template.fromStack(stack);
    const bucketId = onlyId(template, 'AWS::S3::Bucket');
    expect(roleStatements(template)).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [objectArn(bucketId, '/coupa/acme/invoices/*'), objectArn(bucketId, '/coupa/actions/acme/*')],
      },
    ]);
  });

  test('grantReadPayloads defaults to every poller object', () => {
    const { stack, connector, role } = build();
    connector.grantReadPayloads(role);
    const bucketId = onlyId(Template.fromStack(stack), 'AWS::S3::Bucket');
    expect(roleStatements(Template.fromStack(stack))[0]!.Resource).toEqual([
      objectArn(bucketId, '/coupa/acme/invoices/*'),
      objectArn(bucketId, '/coupa/acme/suppliers/*'),
      objectArn(bucketId, '/coupa/actions/acme/*'),
    ]);
  });

  test('grantTokenAccess returns a Grant: read the token secret, invoke the refresher; never the credentials', () => {
    const { stack, connector, role } = build();
    const grant = connector.grantTokenAccess(role);
    expect(grant.success).toBe(true);
    const text = JSON.stringify(roleStatements(Template.fromStack(stack)));
    expect(text).toContain('secretsmanager:GetSecretValue');
    expect(text).toContain('lambda:InvokeFunction');
    expect(text).not.toContain('CredentialsSecret');
    expect(text).not.toContain('PutSecretValue');
    expect(Object.keys(connector.tokens.environment).sort()).toEqual(['TOKEN_REFRESH_FUNCTION', 'TOKEN_SECRET_ARN']);
  });
});
