// The runner's IdempotencyStore on Powertools idempotency: records in a DynamoDB table (partition key
// `id`, TTL `expiration`), the key hashed with SHA-256, the input validated on repeats. Powertools'
// errors become the port's IdempotencyFailure; the write's own errors pass through unchanged.
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { IdempotencyFailure, type IdempotencyStore, type IdempotentCall } from '../../actions/runner';

/** Powertools' attribute names, spelled out: the table's TTL attribute (infra/Actions.ts) must match. */
export const IDEMPOTENCY_ATTRIBUTES = {
  keyAttr: 'id',
  expiryAttr: 'expiration',
  inProgressExpiryAttr: 'in_progress_expiration',
  statusAttr: 'status',
  dataAttr: 'data',
  validationKeyAttr: 'validation',
} as const;

export interface PowertoolsIdempotencyStoreOptions {
  /** A DynamoDB table name, or any Powertools persistence layer (tests). */
  readonly table: string | BasePersistenceLayer;
  readonly expiresAfterSeconds: number;
  /** Prefix of every record's key (`coupa-action:<instance>`). */
  readonly keyPrefix: string;
  readonly client?: DynamoDBClient;
}

interface Payload {
  readonly key: string;
  readonly input: unknown;
  readonly write: () => Promise<unknown>;
  /** Set by the wrapped function: false afterwards means the value came from the record. */
  readonly state: { executed: boolean };
}

export class PowertoolsIdempotencyStore implements IdempotencyStore {
  readonly #idempotent: (payload: Payload, context: Context) => Promise<unknown>;

  constructor(options: PowertoolsIdempotencyStoreOptions) {
    const persistenceStore =
      typeof options.table === 'string'
        ? new DynamoDBPersistenceLayer({
            tableName: options.table,
            awsSdkV3Client: options.client ?? new DynamoDBClient({}),
            ...IDEMPOTENCY_ATTRIBUTES,
          })
        : options.table;
    const config = new IdempotencyConfig({
      eventKeyJmesPath: 'key',
      payloadValidationJmesPath: 'input',
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: options.expiresAfterSeconds,
      hashFunction: 'sha256',
    });
    this.#idempotent = makeIdempotent(
      async (payload: Payload, _context: Context) => {
        payload.state.executed = true;
        return payload.write();
      },
      { persistenceStore, config, keyPrefix: options.keyPrefix },
    );
  }

  async once<T>(call: IdempotentCall<T>): Promise<{ value: T; executed: boolean }> {
    const payload: Payload = { key: call.key, input: call.input, write: call.write, state: { executed: false } };
    try {
      const value = (await this.#idempotent(payload, call.clock as Context)) as T;
      return { value, executed: payload.state.executed };
    } catch (error) {
      throw failureOf(error);
    }
  }
}

function failureOf(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  switch (error.name) {
    case 'IdempotencyValidationError':
      return new IdempotencyFailure('input-mismatch', error.message, false, { cause: error });
    case 'IdempotencyAlreadyInProgressError':
      return new IdempotencyFailure('in-progress', error.message, false, { cause: error });
    case 'IdempotencyPersistenceLayerError':
    case 'IdempotencyInconsistentStateError':
    case 'IdempotencyUnknownError':
    case 'IdempotencyItemNotFoundError': {
      const cause = error.cause;
      const detail = cause instanceof Error ? `: ${cause.name}: ${cause.message}` : cause ? `: ${String(cause)}` : '';
      return new IdempotencyFailure('store-failed', `${error.message}${detail}`, /update success/i.test(error.message), { cause: error });
    }
    default:
      return error; // the write's own error (Coupa.*)
  }
}
