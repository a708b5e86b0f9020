// Uniquely named moto resources for tests (moto's state is shared by every test file of a run).
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { dynamoDbClient, secretsManagerClient, sqsClient, uniqueName } from './clients';

/** An on-demand table keyed by one string attribute; returns its name. */
export async function createTable(prefix: string, partitionKey: string): Promise<string> {
  const name = uniqueName(prefix);
  await dynamoDbClient().send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: partitionKey, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return name;
}

/** A queue; returns its URL and ARN (rule targets need the ARN). */
export async function createQueue(prefix: string): Promise<{ url: string; arn: string }> {
  const sqs = sqsClient();
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName(prefix) }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url, arn };
}

/** A secret holding `value` as JSON; returns its ARN. */
export async function createSecret(prefix: string, value: unknown): Promise<string> {
  return (await secretsManagerClient().send(new CreateSecretCommand({ Name: uniqueName(prefix), SecretString: JSON.stringify(value) })))
    .ARN!;
}
