// The example stack: one CoupaConnector configured from infra/config.ts, plus outputs a person needs.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ConnectorConfig, PollObjectConfig } from './config';
import { CoupaConnector, type PollerConfig } from './CoupaConnector';

export interface ExampleStackProps extends StackProps {
  readonly connector: ConnectorConfig;
}

export class ExampleStack extends Stack {
  readonly connector: CoupaConnector;

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
      createExampleStateMachine: c.exampleStateMachine,
    });
    new CfnOutput(this, 'CredentialsSecretArn', {
      value: this.connector.credentialsSecret.secretArn,
      description: 'Store {"clientId","clientSecret"} of your Coupa OAuth client here (scopes: RequiredScopes unless you list them)',
    });
    new CfnOutput(this, 'RequiredScopes', {
      value: this.connector.requiredScopes.join(' '),
      description:
        'OAuth scopes to tick on the Coupa OAuth client (from the pollers and actions configured); requested when the credentials secret lists none',
    });
    new CfnOutput(this, 'EventBusName', { value: this.connector.eventBus.eventBusName });
    new CfnOutput(this, 'TokenRefreshFunctionName', {
      value: this.connector.tokenRefreshFunction.functionName,
      description: 'The only writer of the token secrets; invoke with {"force":true} to mint a token now (doctor --refresh-function)',
    });
    new CfnOutput(this, 'TokenSecretArn', {
      value: this.connector.tokenSecret.secretArn,
      description: 'The cached access token (doctor --token-secret-id)',
    });
    new CfnOutput(this, 'CheckpointTableName', { value: this.connector.checkpointTable.tableName });
    new CfnOutput(this, 'PayloadBucketName', { value: this.connector.payloadBucket.bucketName });
    if (this.connector.actionFunction) {
      new CfnOutput(this, 'ActionFunctionName', {
        value: this.connector.actionFunction.functionName,
        description: 'Invoke with {"action":"get","object":"suppliers","id":1}, or call it from your state machines',
      });
    }
    if (this.connector.commandDeadLetterQueue) {
      new CfnOutput(this, 'CommandDeadLetterQueueUrl', {
        value: this.connector.commandDeadLetterQueue.queueUrl,
        description: 'Coupa Command events that failed after their retries',
      });
    }
    if (this.connector.exampleStateMachine) {
      new CfnOutput(this, 'ExampleStateMachineArn', { value: this.connector.exampleStateMachine.stateMachineArn });
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
