import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { parseCursor, type Cursor } from '../../changes/cursor';
import { CheckpointConflictError, type Checkpoint, type CheckpointStore } from '../../changes/ports';

export interface DynamoCheckpointStoreOptions {
  readonly client: DynamoDBClient;
  /** Partition key `pk` (string), no sort key. */
  readonly tableName: string;
}

type Item = Record<string, AttributeValue>;

// Attribute names go through placeholders: `cursor` is a DynamoDB reserved word, and the rest stay uniform.
const NAMES = { '#cursor': 'cursor', '#version': 'version', '#owner': 'leaseOwner', '#until': 'leaseUntil' };

/**
 * CheckpointStore on DynamoDB: one item per poller (`pk` = the checkpoint key) holding the cursor as a
 * JSON string, an optimistic `version`, and the lease (`leaseOwner`, `leaseUntil` in epoch ms). Every
 * write is one conditional UpdateItem, so the lease and version rules hold across concurrent Lambdas;
 * a failed condition becomes `CheckpointConflictError` saying which rule stopped it. `peek` is one
 * eventually consistent GetItem (a tenth of a write's price), so a run that finds nothing costs half a
 * read unit and at most one write (`advance`).
 *
 * @example
 * const checkpoints = new DynamoCheckpointStore({ client: new DynamoDBClient({}), tableName: 'coupa-checkpoints' });
 */
export class DynamoCheckpointStore implements CheckpointStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;

  constructor(options: DynamoCheckpointStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async acquire(key: string, owner: string, leaseUntilMs: number, nowMs: number): Promise<Checkpoint | undefined> {
    const item = await this.update(
      key,
      {
        UpdateExpression: 'SET #owner = :owner, #until = :until, #version = if_not_exists(#version, :zero)',
        ConditionExpression: 'attribute_not_exists(#owner) OR #until <= :now OR #owner = :owner',
        ExpressionAttributeValues: { ':owner': { S: owner }, ':until': num(leaseUntilMs), ':now': num(nowMs), ':zero': num(0) },
        ReturnValues: 'ALL_NEW',
      },
      (old) => {
        const holder = old?.leaseOwner?.S ?? 'unknown';
        return `Another run (${holder}) holds the lease on ${key} until ${isoOf(old?.leaseUntil)}`;
      },
    );
    return checkpointOf(key, item);
  }

  async save(key: string, owner: string, cursor: Cursor, expectedVersion: number, leaseUntilMs: number): Promise<number> {
    const next = expectedVersion + 1;
    // Version 0 is an item without a cursor; an item written before `version` existed counts as 0 too.
    const versionCheck = expectedVersion === 0 ? '(#version = :expected OR attribute_not_exists(#version))' : '#version = :expected';
    await this.update(
      key,
      {
        UpdateExpression: 'SET #cursor = :cursor, #version = :next, #until = :until',
        ConditionExpression: `#owner = :owner AND ${versionCheck}`,
        ExpressionAttributeValues: {
          ':cursor': { S: JSON.stringify(cursor) },
          ':next': num(next),
          ':expected': num(expectedVersion),
          ':owner': { S: owner },
          ':until': num(leaseUntilMs),
        },
      },
      (old) => {
        if (old?.leaseOwner?.S !== owner) {
          const holder = old?.leaseOwner?.S ? `${old.leaseOwner.S} holds it until ${isoOf(old.leaseUntil)}` : 'nobody holds it';
          return `Run ${owner} no longer holds the lease on ${key} (${holder})`;
        }
        return `Checkpoint ${key} is at version ${old.version?.N ?? 0}, expected ${expectedVersion}`;
      },
    );
    return next;
  }

  async peek(key: string): Promise<Checkpoint | undefined> {
    // Eventually consistent, at half the price: a stale checkpoint costs nothing but a wasted probe. The
    // run publishes only under the lease, from the cursor `acquire` returns (strongly consistent), and
    // an unleased `advance` from a stale version fails its condition.
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: key } } }));
    return checkpointOf(key, out.Item);
  }

  async advance(key: string, cursor: Cursor, expectedVersion: number, nowMs: number): Promise<number> {
    const next = expectedVersion + 1;
    const versionCheck = expectedVersion === 0 ? '(#version = :expected OR attribute_not_exists(#version))' : '#version = :expected';
    await this.update(
      key,
      {
        UpdateExpression: 'SET #cursor = :cursor, #version = :next',
        ConditionExpression: `(attribute_not_exists(#owner) OR #until <= :now) AND ${versionCheck}`,
        ExpressionAttributeValues: {
          ':cursor': { S: JSON.stringify(cursor) },
          ':next': num(next),
          ':expected': num(expectedVersion),
          ':now': num(nowMs),
        },
      },
      (old) => {
        const until = Number(old?.leaseUntil?.N);
        if (old?.leaseOwner?.S && until > nowMs)
          return `Another run (${old.leaseOwner.S}) holds the lease on ${key} until ${isoOf(old.leaseUntil)}`;
        return `Checkpoint ${key} is at version ${old?.version?.N ?? 0}, expected ${expectedVersion}`;
      },
    );
    return next;
  }

  async release(key: string, owner: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: key } },
          UpdateExpression: 'REMOVE #owner, #until',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': NAMES['#owner'], '#until': NAMES['#until'] },
          ExpressionAttributeValues: { ':owner': { S: owner } },
        }),
      );
    } catch (error) {
      // Someone else's lease (or none): releasing only our own is the rule, so there is nothing to do.
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }

  /** One conditional UpdateItem; a failed condition becomes a conflict described from the item as it was. */
  private async update(
    key: string,
    input: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: Item; ReturnValues?: 'ALL_NEW' },
    describeConflict: (old: Item | undefined) => string,
  ): Promise<Item | undefined> {
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: key } },
          ExpressionAttributeNames: namesUsedIn(input.UpdateExpression, input.ConditionExpression),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...input,
        }),
      );
      return out.Attributes;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new CheckpointConflictError(describeConflict(error.Item), { cause: error });
      }
      throw error;
    }
  }
}

/** DynamoDB rejects placeholders an expression does not use, so pass only the ones present. */
function namesUsedIn(...expressions: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(NAMES).filter(([placeholder]) => expressions.some((e) => e.includes(placeholder))));
}

function checkpointOf(key: string, item: Item | undefined): Checkpoint | undefined {
  const text = item?.cursor?.S;
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`Stored cursor of ${key} is not JSON`);
  }
  return { cursor: parseCursor(value), version: Number(item?.version?.N ?? 0) };
}

const num = (n: number): AttributeValue => ({ N: String(n) });

function isoOf(value: AttributeValue | undefined): string {
  const ms = Number(value?.N);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : 'an unknown time';
}
