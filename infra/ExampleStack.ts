// The example stack: one CoupaConnector configured from infra/config.ts, plus outputs a person needs.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ConnectorConfig } from './config';
import { CoupaConnector } from './CoupaConnector';

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
    });
    new CfnOutput(this, 'CredentialsSecretArn', {
      value: this.connector.credentialsSecret.secretArn,
      description: 'Store {"clientId","clientSecret","scopes"} of your Coupa OAuth client here',
    });
    new CfnOutput(this, 'EventBusName', { value: this.connector.eventBus.eventBusName });
    new CfnOutput(this, 'TokenRefreshFunctionName', { value: this.connector.tokenRefreshFunction.functionName });
  }
}
