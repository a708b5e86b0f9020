// The optional customer-managed key (CoupaConnectorProps.encryptionKey): grants name exact KMS actions
// (no `kms:GenerateDataKey*`-style wildcards) and hold only through the one service that needs them
// (`kms:ViaService`), so a role that may write a queue cannot decrypt the secrets with the same key.
import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** What each service's callers need on the key (the services' SSE-KMS documentation). */
export const KEY_ACTIONS = {
  /** DynamoDB: the table key is decrypted on the caller's behalf; writes encrypt under it. */
  dynamodb: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
  /** S3 PutObject (single part) asks for one data key. */
  s3Put: ['kms:GenerateDataKey'],
  /** SQS SendMessage: a data key, and Decrypt of the cached one. */
  sqsSend: ['kms:GenerateDataKey', 'kms:Decrypt'],
} as const;

/** Lets `grantee` use `key` through `service` (e.g. `dynamodb`) only; nothing when there is no key. */
export function grantKeyVia(key: kms.IKey | undefined, grantee: iam.IGrantable, service: string, actions: readonly string[]): void {
  if (!key) return;
  iam.Grant.addToPrincipal({
    grantee,
    actions: [...actions],
    resourceArns: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `${service}.${Stack.of(key).region}.amazonaws.com` } },
  });
}

/**
 * Lets an AWS service principal (EventBridge delivering to a dead-letter queue, CloudWatch publishing
 * to the alarm topic) use the key. Only a key defined in this app can take it; for an imported key the
 * statement must be in its policy already (README, "Operating"), and the result says it was not added.
 */
export function allowServiceToUseKey(
  key: kms.IKey,
  servicePrincipal: string,
  actions: readonly string[],
  conditions?: Record<string, unknown>,
): boolean {
  return key.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(servicePrincipal)],
      actions: [...actions],
      resources: ['*'],
      ...(conditions ? { conditions } : {}),
    }),
  ).statementAdded;
}

/** SQS encryption props: the customer-managed key when there is one, else SQS-managed (SSE-SQS). */
export function queueEncryption(key: kms.IKey | undefined): Pick<sqs.QueueProps, 'encryption' | 'encryptionMasterKey'> {
  return key ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key } : { encryption: sqs.QueueEncryption.SQS_MANAGED };
}

/**
 * Lets EventBridge deliver to a queue encrypted with `key` (a rule target's dead-letter queue). No
 * source conditions: EventBridge does not send them to KMS for target deliveries.
 */
export function allowEventBridgeDeliveries(key: kms.IKey | undefined): void {
  if (key) allowServiceToUseKey(key, 'events.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey']);
}

/**
 * DynamoDB TableV2 renders its key per region, which an environment-agnostic stack cannot do; say so
 * before CDK fails with a resolution error deep inside the table.
 */
export function assertKeyUsable(scope: Construct, key: kms.IKey | undefined): void {
  if (key && Token.isUnresolved(Stack.of(scope).region)) {
    throw new Error(
      'CoupaConnector: encryptionKey needs a stack with an explicit region (env: { region }); its DynamoDB tables name the key per region',
    );
  }
}
