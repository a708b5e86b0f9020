// Lambda's on-failure destination on an SQS queue with exact grants: CDK's SqsDestination grants
// `grantSendMessages`, which on a KMS queue adds `kms:ReEncrypt*` and `kms:GenerateDataKey*` for any
// service; Lambda only needs to send, through SQS.
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { grantKeyVia, KEY_ACTIONS } from './encryption';

export function sqsFailureDestination(queue: sqs.IQueue): lambda.IDestination {
  return {
    bind(_scope: Construct, fn: lambda.IFunction): lambda.DestinationConfig {
      iam.Grant.addToPrincipal({ grantee: fn, actions: ['sqs:SendMessage'], resourceArns: [queue.queueArn] });
      grantKeyVia(queue.encryptionMasterKey, fn, 'sqs', KEY_ACTIONS.sqsSend);
      return { destination: queue.queueArn };
    },
  };
}
