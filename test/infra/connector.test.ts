// CoupaConnector and the example stack, synthesized without bundling (no esbuild in unit tests).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { config } from '../../infra/config';
import { CoupaConnector, type CoupaConnectorProps } from '../../infra/CoupaConnector';
import { ExampleStack } from '../../infra/ExampleStack';

const noBundling = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
function statements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
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

  test('token-refresh function: nodejs24.x, arm64, env names both secrets', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          CREDENTIALS_SECRET_ARN: { Ref: credentialsId },
          TOKEN_SECRET_ARN: { Ref: tokenId },
          COUPA_HOST: config.host,
          COUPA_GRANT_TYPE: 'client_credentials',
          MIN_VALIDITY_SECONDS: String(6 * 3600),
        }),
      },
    });
  });

  test('runs every 4 hours with retries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(4 hours)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } })],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
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

  test('IAM: no wildcard actions; secrets actions scoped to the two secrets; credentials read-only', () => {
    const all = statements(template);
    expect(all.flatMap(actionsOf).filter((a) => a.includes('*'))).toEqual([]);
    const secretStatements = all.filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')));
    expect(secretStatements).toHaveLength(2);
    const byResource = Object.fromEntries(
      secretStatements.map((s) => [(s.Resource as { Ref: string }).Ref, actionsOf(s).sort()]),
    );
    expect(byResource).toEqual({
      [tokenId]: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
      [credentialsId]: ['secretsmanager:GetSecretValue'],
    });
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
      GenerateSecretString: { SecretStringTemplate: '{"clientId":"REPLACE_ME","scopes":[]}', GenerateStringKey: 'clientSecret', ExcludePunctuation: true },
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

  test('authorization_code lets the refresh write the rotated refresh token', () => {
    const t = build({ grantType: 'authorization_code' });
    const creds = logicalId(t, 'AWS::SecretsManager::Secret', /credentials/);
    const forCreds = statements(t).filter((s) => (s.Resource as { Ref?: string }).Ref === creds);
    expect(forCreds.flatMap(actionsOf).sort()).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']);
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

  test.each<[string, Partial<CoupaConnectorProps> | ((s: Stack) => Partial<CoupaConnectorProps>), RegExp]>([
    ['existingEventBus with eventBusProps', (s) => ({ existingEventBus: events.EventBus.fromEventBusName(s, 'B', 'b'), eventBusProps: {} }), /existingEventBus or eventBusProps, not both/],
    ['instance with capitals', { instance: 'Acme' }, /instance must be lowercase/],
    ['http host', { host: 'http://acme.coupahost.com' }, /host must be an https/],
    ['host with a path', { host: 'https://acme.coupahost.com/api' }, /host must be an https/],
    ['unknown grant type', { grantType: 'password' as never }, /grantType must be/],
    ['validity not above interval', { tokenRefreshInterval: Duration.hours(6), tokenMinValidity: Duration.hours(6) }, /must exceed tokenRefreshInterval/],
    ['validity beyond token life', { tokenRefreshInterval: Duration.hours(4), tokenMinValidity: Duration.hours(24) }, /24 h token lifetime/],
    ['sub-minute interval', { tokenRefreshInterval: Duration.seconds(30) }, /whole number of minutes/],
  ])('rejects %s', (_name, props, message) => {
    const prepare = typeof props === 'function' ? props : () => props;
    expect(() => build({}, prepare)).toThrow(message);
  });
});

describe('cdk-nag AwsSolutions', () => {
  test('the example stack has no unacknowledged findings', () => {
    const app = noBundling();
    new ExampleStack(app, 'Example', { connector: config });
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
