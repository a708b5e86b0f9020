// The example stack: one CoupaConnector configured from infra/config.ts, plus outputs a person needs.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ConnectorConfig, PollObjectConfig } from './config';
import { CoupaConnector, type PollerConfig } from './CoupaConnector';
import { UpdateSuppliersStateMachine } from './examples/UpdateSuppliersStateMachine';

export interface ExampleStackProps extends StackProps {
  readonly connector: ConnectorConfig;
}

export class ExampleStack extends Stack {
  readonly connector: CoupaConnector;
  /** The example state machine (config.ts `exampleStateMachine`): query suppliers, set custom fields on each. */
  readonly exampleStateMachine?: UpdateSuppliersStateMachine;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    const c = props.connector;
    this.connector = new CoupaConnector(this, 'Coupa', {
      instance: c.instance,
      host: c.host,
      grantType: c.grantType,
      tokenRefreshInterval: Duration.hours(c.tokenRefreshIntervalHours),
      tokenMinValidity: Duration.hours(c.tokenMinValidityHours),
      pollers: c.objects.map(pollerConfigOf),
      payloadRetention: Duration.days(c.payloadRetentionDays),
      reservePollerConcurrency: c.reservePollerConcurrency,
    });
    new CfnOutput(this, 'CredentialsSecretArn', {
      value: this.connector.tokens.credentialsSecret.secretArn,
      description: 'Store {"clientId","clientSecret"} of your Coupa OAuth client here (scopes: RequiredScopes unless you list them)',
    });
    new CfnOutput(this, 'RequiredScopes', {
      value: this.connector.requiredScopes.join(' '),
      description:
        'OAuth scopes to tick on the Coupa OAuth client (from the pollers and actions configured); requested when the credentials secret lists none',
    });
    new CfnOutput(this, 'EventBusName', { value: this.connector.eventBus.eventBusName });
    new CfnOutput(this, 'TokenRefreshFunctionName', {
      value: this.connector.tokens.refreshFunction.functionName,
      description: 'The only writer of the token secrets; invoke with {"force":true} to mint a token now (doctor --refresh-function)',
    });
    new CfnOutput(this, 'TokenSecretArn', {
      value: this.connector.tokens.tokenSecret.secretArn,
      description: 'The cached access token (doctor --token-secret-id)',
    });
    new CfnOutput(this, 'CheckpointTableName', { value: this.connector.checkpointTable.tableName });
    new CfnOutput(this, 'PayloadBucketName', { value: this.connector.payloadBucket.bucketName });
    const actions = this.connector.actions;
    if (actions) {
      new CfnOutput(this, 'ActionFunctionName', {
        value: actions.actionFunction.functionName,
        description: 'Invoke with {"action":"get","object":"suppliers","id":1}, or call it from your state machines',
      });
    }
    if (actions?.commandDeadLetterQueue) {
      new CfnOutput(this, 'CommandDeadLetterQueueUrl', {
        value: actions.commandDeadLetterQueue.queueUrl,
        description: 'Coupa Command events that failed after their retries',
      });
    }
    if (c.exampleStateMachine) {
      if (!actions) throw new Error('config.ts: exampleStateMachine needs the actions (its tasks call the action function)');
      this.exampleStateMachine = new UpdateSuppliersStateMachine(this, 'ExampleUpdateSuppliers', {
        actionFunction: actions.actionFunction,
      });
      new CfnOutput(this, 'ExampleStateMachineArn', { value: this.exampleStateMachine.stateMachine.stateMachineArn });
    }
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.connector.alarmTopic.topicArn,
      description: 'Every alarm of the connector notifies this topic: subscribe to it (or set alarmEmail)',
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: this.connector.deadLetterQueue.queueUrl,
      description: 'Events EventBridge refused, with the reason; the DeadLetterAlarm fires while any wait here',
    });
  }
}

/** config.ts's plain numbers as the construct's PollerConfig. */
export function pollerConfigOf(o: PollObjectConfig): PollerConfig {
  return {
    object: o.object,
    ...(o.name === undefined ? {} : { name: o.name }),
    ...(o.scheduleMinutes === undefined ? {} : { schedule: Duration.minutes(o.scheduleMinutes) }),
    ...(o.timeoutMinutes === undefined ? {} : { timeout: Duration.minutes(o.timeoutMinutes) }),
    ...(o.lagSeconds === undefined ? {} : { lagSeconds: o.lagSeconds }),
    ...(o.since === undefined ? {} : { since: o.since }),
    ...(o.returnType === undefined ? {} : { returnType: o.returnType }),
    ...(o.fields === undefined ? {} : { fields: o.fields }),
    ...(o.filters === undefined ? {} : { filters: o.filters }),
    ...(o.memorySize === undefined ? {} : { memorySize: o.memorySize }),
  };
}
