// RefreshLease on DynamoDB: a table only the token-refresh function may use (partition key `pk`).
// The lease is one item (`owner`, `until` in epoch ms) taken and released with conditional writes; a
// rotated refresh token the credentials secret refused waits in a second item until it is stored.
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { PendingRefreshToken, RefreshLease } from '../../tokens/RefreshLease';

export interface DynamoRefreshLeaseOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Names the items, so one table could serve several instances. @default 'token-refresh' */
  readonly key?: string;
}

export class DynamoRefreshLease implements RefreshLease {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly leaseKey: string;
  private readonly pendingKey: string;

  constructor(options: DynamoRefreshLeaseOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    const key = options.key ?? 'token-refresh';
    this.leaseKey = `${key}#lease`;
    this.pendingKey = `${key}#pending-refresh-token`;
  }

  async acquire(owner: string, nowMs: number, untilMs: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: this.leaseKey } },
          UpdateExpression: 'SET #owner = :owner, #until = :until',
          ConditionExpression: 'attribute_not_exists(#owner) OR #until <= :now OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner', '#until': 'until' },
          ExpressionAttributeValues: { ':owner': { S: owner }, ':until': { N: String(untilMs) }, ':now': { N: String(nowMs) } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async release(owner: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: this.leaseKey } },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': { S: owner } },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error; // taken over: not ours to delete
    }
  }

  async readPending(): Promise<PendingRefreshToken | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: this.pendingKey } }, ConsistentRead: true }),
    );
    const refreshToken = out.Item?.refreshToken?.S;
    const replacesSha256 = out.Item?.replacesSha256?.S;
    return refreshToken && replacesSha256 ? { refreshToken, replacesSha256 } : undefined;
  }

  async savePending(pending: PendingRefreshToken): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: { pk: { S: this.pendingKey }, refreshToken: { S: pending.refreshToken }, replacesSha256: { S: pending.replacesSha256 } },
      }),
    );
  }

  async clearPending(): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: { pk: { S: this.pendingKey } } }));
  }
}
