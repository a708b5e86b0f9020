// DynamoCheckpointStore against DynamoDB on moto: the CheckpointStore contract, item size, races.
import { CreateTableCommand, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoCheckpointStore } from '../../shared/adapters/aws/DynamoCheckpointStore';
import { CheckpointConflictError } from '../../shared/changes/ports';
import type { Cursor } from '../../shared/changes/cursor';
import { checkpointStoreContract } from '../support/contracts/checkpoint-store.contract';
import { dynamoDbClient, uniqueName } from '../support/moto/clients';

const client = dynamoDbClient();
const NOW = Date.UTC(2026, 10, 27, 8);
let tableName: string;

beforeAll(async () => {
  tableName = uniqueName('checkpoints');
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});

const store = () => new DynamoCheckpointStore({ client, tableName });

describe('DynamoCheckpointStore (moto)', () => {
  checkpointStoreContract(store);

  it('keeps a maximal cursor (1000 doneIds) far under the 400 KB item limit, and round-trips it', async () => {
    const key = uniqueName('acme:invoices');
    const cursor: Cursor = {
      version: 1,
      watermarkMs: NOW,
      doneIds: Array.from({ length: 1000 }, (_, i) => Number.MAX_SAFE_INTEGER - i),
      afterId: Number.MAX_SAFE_INTEGER,
    };
    await store().acquire(key, 'run-1', NOW + 60_000, NOW);
    const version = await store().save(key, 'run-1', cursor, 0, NOW + 60_000);

    const item = (await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: key } } }))).Item!;
    expect(itemBytes(item)).toBeLessThan(32 * 1024);
    await store().release(key, 'run-1');
    expect(await store().acquire(key, 'run-2', NOW + 60_000, NOW)).toEqual({ cursor, version });
  });

  it('lets exactly one of two concurrent saves from the same version win', async () => {
    const key = uniqueName('acme:invoices');
    const s = store();
    await s.acquire(key, 'run-1', NOW + 60_000, NOW);
    const v1 = await s.save(key, 'run-1', { version: 1, watermarkMs: NOW, doneIds: [] }, 0, NOW + 60_000);

    const results = await Promise.allSettled([
      s.save(key, 'run-1', { version: 1, watermarkMs: NOW + 1000, doneIds: [1] }, v1, NOW + 60_000),
      store().save(key, 'run-1', { version: 1, watermarkMs: NOW + 2000, doneIds: [2] }, v1, NOW + 60_000),
    ]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(lost.reason).toBeInstanceOf(CheckpointConflictError);
    expect(String(lost.reason.message)).toMatch(/is at version 2, expected 1/);
  });

  it('says which condition failed: lease held by another run, or version moved', async () => {
    const key = uniqueName('acme:users');
    const s = store();
    await s.acquire(key, 'run-1', NOW + 60_000, NOW);
    await expect(s.acquire(key, 'run-2', NOW + 60_000, NOW)).rejects.toThrow(
      /Another run \(run-1\) holds the lease on .* until 2026-11-27T08:01:00.000Z/,
    );
    await expect(s.save(key, 'run-2', { version: 1, watermarkMs: NOW, doneIds: [] }, 0, NOW)).rejects.toThrow(
      /Run run-2 no longer holds the lease .*run-1 holds it/,
    );
    await expect(s.save(key, 'run-1', { version: 1, watermarkMs: NOW, doneIds: [] }, 3, NOW)).rejects.toThrow(
      /is at version 0, expected 3/,
    );
  });

  it('refuses to save without a lease ever taken (no item), and creates no item doing so', async () => {
    const key = uniqueName('acme:users');
    await expect(store().save(key, 'run-1', { version: 1, watermarkMs: NOW, doneIds: [] }, 0, NOW)).rejects.toThrow(/nobody holds it/);
    expect((await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: key } } }))).Item).toBeUndefined();
  });

  it('rejects a stored cursor that is not one of ours, with the reason', async () => {
    const key = uniqueName('acme:users');
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { pk: { S: key }, version: { N: '3' }, cursor: { S: JSON.stringify({ version: 1, watermarkMs: 1500, doneIds: [] }) } },
      }),
    );
    await expect(store().acquire(key, 'run-1', NOW + 60_000, NOW)).rejects.toThrow(/Stored cursor is not valid: watermarkMs/);
  });
});

/** DynamoDB's item size: attribute names plus values (UTF-8 strings; numbers ~ digits / 2 + 1, bounded here by the digits). */
function itemBytes(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value.S ?? value.N ?? ''),
    0,
  );
}
