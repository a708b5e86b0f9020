import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  budgetSettings,
  penalised,
  planReservation,
  RESTED,
  turnsOf,
  type BucketState,
  type BudgetSettings,
  type Reservation,
} from '../../budget/bucket';
import type { RateBudgetStore } from '../../budget/ports';

export interface DynamoRateBudgetStoreOptions {
  readonly client: DynamoDBClient;
  /** Partition key `pk` (string), no sort key. */
  readonly tableName: string;
  /** The budget's item key: the Coupa instance. */
  readonly instance: string;
  readonly settings?: Partial<BudgetSettings>;
}

type Item = Record<string, AttributeValue>;

/** A reservation that keeps meeting another process's write gives up after this many tries (the caller waits a little). */
const MAX_TRIES = 5;

/**
 * RateBudgetStore on DynamoDB: one item per instance (`pk` = instance) holding the bucket of
 * shared/budget/bucket.ts (`tat`, `rate`, `rateAt`, `blockedUntil`, `epoch`). Every step is one
 * conditional UpdateItem; a failed condition hands back the item as it is (ALL_OLD), so the retry needs
 * no read. Reserving on a busy bucket adds to `tat` atomically (`SET tat = tat + :inc`), so processes
 * reserving together do not conflict; `epoch` (bumped by every 429) refuses a reservation made with a
 * stale rate or block.
 *
 * @example
 * const store = new DynamoRateBudgetStore({ client: new DynamoDBClient({}), tableName: 'coupa-rate-budget', instance: 'acme' });
 */
export class DynamoRateBudgetStore implements RateBudgetStore {
  readonly settings: BudgetSettings;
  /** UpdateItems sent (conflicts included), for the bench. */
  writes = 0;
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #key: Item;
  /** The item as last seen; a guess, checked by every condition. */
  #seen: BucketState = RESTED;

  constructor(options: DynamoRateBudgetStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#key = { pk: { S: options.instance } };
    this.settings = budgetSettings(options.settings);
  }

  async reserve(count: number, nowMs: number): Promise<Reservation> {
    for (let tries = 1; ; tries++) {
      const state = this.#seen;
      const plan = planReservation(state, this.settings, count, nowMs);
      const inc = count * plan.slotMs;
      const rested = state.tat <= plan.floorMs;
      if (!rested && state.tat > plan.maxTatMs) return { kind: 'full', retryAtMs: nowMs + (state.tat - plan.maxTatMs), state };
      const values: Item = { ':inc': num(inc), ':floor': num(plan.floorMs), ...epochValues(state) };
      const item = await this.#update(
        rested
          ? {
              UpdateExpression: 'SET tat = :floor + :inc',
              ConditionExpression: `${epochIs(state)} AND (attribute_not_exists(tat) OR tat <= :floor)`,
              ExpressionAttributeValues: values,
            }
          : {
              UpdateExpression: 'SET tat = tat + :inc',
              ConditionExpression: `${epochIs(state)} AND tat > :floor AND tat <= :maxTat`,
              ExpressionAttributeValues: { ...values, ':maxTat': num(plan.maxTatMs) },
            },
      );
      if (item) {
        const start = this.#seen.tat - inc;
        return { kind: 'granted', turns: turnsOf(plan, start, this.settings, state.blockedUntil), state: this.#seen };
      }
      // Another process moved the bucket first (#seen is now the item as it is): plan again.
      if (tries >= MAX_TRIES) return { kind: 'full', retryAtMs: nowMs + plan.slotMs, state: this.#seen };
    }
  }

  async penalise(retryAfterMs: number | undefined, nowMs: number): Promise<void> {
    for (let tries = 1; tries <= MAX_TRIES; tries++) {
      const state = this.#seen;
      const next = penalised(state, this.settings, nowMs, retryAfterMs);
      if (next === state) return;
      const item = await this.#update({
        UpdateExpression: 'SET #rate = :rate, rateAt = :rateAt, blockedUntil = :blocked, epoch = :next',
        ConditionExpression: epochIs(state),
        ExpressionAttributeNames: { '#rate': 'rate' },
        ExpressionAttributeValues: {
          ':rate': num(next.rate),
          ':rateAt': num(next.rateAt),
          ':blocked': num(next.blockedUntil),
          ':next': num(next.epoch),
          ...epochValues(state),
        },
      });
      if (item) return;
    }
  }

  async peek(): Promise<BucketState> {
    const out = await this.#client.send(new GetItemCommand({ TableName: this.#tableName, Key: this.#key }));
    this.#seen = stateOf(out.Item);
    return this.#seen;
  }

  /** One conditional UpdateItem; returns the new item, or undefined when the condition failed (#seen is then the item as it is). */
  async #update(input: {
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeValues: Item;
    ExpressionAttributeNames?: Record<string, string>;
  }): Promise<Item | undefined> {
    this.writes++;
    try {
      const out = await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#tableName,
          Key: this.#key,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...input,
        }),
      );
      this.#seen = stateOf(out.Attributes);
      return out.Attributes ?? {};
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      this.#seen = stateOf(error.Item);
      return undefined;
    }
  }
}

/** The plan holds only at the epoch it was made at; a missing item (or one no 429 has touched) is epoch 0. */
const epochIs = (state: BucketState) => (state.epoch === 0 ? 'attribute_not_exists(epoch)' : 'epoch = :epoch');
const epochValues = (state: BucketState): Item => (state.epoch === 0 ? {} : { ':epoch': num(state.epoch) });

function stateOf(item: Item | undefined): BucketState {
  if (!item) return RESTED;
  const n = (name: keyof BucketState) => {
    const value = Number(item[name]?.N ?? RESTED[name]);
    return Number.isFinite(value) ? value : RESTED[name];
  };
  return { tat: n('tat'), rate: n('rate'), rateAt: n('rateAt'), blockedUntil: n('blockedUntil'), epoch: n('epoch') };
}

const num = (n: number): AttributeValue => ({ N: String(n) });
