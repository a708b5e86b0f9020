import { CheckpointConflictError, type CheckpointStore } from '../../../shared/changes/ports';
import { initialCursor } from '../../../shared/changes/cursor';

/**
 * The rules every CheckpointStore adapter keeps (file, DynamoDB): leases keep runs apart, and saves
 * are conditional on the lease and the version read. Call inside a describe block.
 */
export function checkpointStoreContract(makeStore: () => Promise<CheckpointStore> | CheckpointStore) {
  const NOW = Date.UTC(2026, 10, 27, 8);
  const cursorA = initialCursor(NOW - 3_600_000);
  const cursorB = { version: 1 as const, watermarkMs: NOW - 60_000, doneIds: [4, 9], afterId: 12 };
  let store: CheckpointStore;
  let n = 0;
  const key = () => `acme:invoices:${process.pid}-${Date.now()}-${n++}`;

  beforeEach(async () => {
    store = await makeStore();
  });

  it('has no checkpoint for a new key, then round-trips what was saved', async () => {
    const k = key();
    expect(await store.acquire(k, 'run-1', NOW + 60_000, NOW)).toBeUndefined();
    const v1 = await store.save(k, 'run-1', cursorA, 0, NOW + 60_000);
    const v2 = await store.save(k, 'run-1', cursorB, v1, NOW + 60_000);
    expect(v2).toBeGreaterThan(v1);
    await store.release(k, 'run-1');
    expect(await store.acquire(k, 'run-2', NOW + 60_000, NOW)).toEqual({ cursor: cursorB, version: v2 });
  });

  it('refuses a second run while the first holds an unexpired lease, and admits it once the lease expires', async () => {
    const k = key();
    await store.acquire(k, 'run-1', NOW + 60_000, NOW);
    await expect(store.acquire(k, 'run-2', NOW + 120_000, NOW + 1000)).rejects.toBeInstanceOf(CheckpointConflictError);
    await expect(store.acquire(k, 'run-2', NOW + 180_000, NOW + 61_000)).resolves.toBeUndefined();
  });

  it('lets a run that lost its lease neither save nor advance the cursor', async () => {
    const k = key();
    await store.acquire(k, 'run-1', NOW + 60_000, NOW);
    const v1 = await store.save(k, 'run-1', cursorA, 0, NOW + 60_000);
    await store.acquire(k, 'run-2', NOW + 200_000, NOW + 100_000); // run-1's lease expired; run-2 took over
    await expect(store.save(k, 'run-1', cursorB, v1, NOW + 60_000)).rejects.toBeInstanceOf(CheckpointConflictError);
    expect((await store.acquire(k, 'run-2', NOW + 200_000, NOW + 100_000))?.cursor).toEqual(cursorA);
  });

  it('refuses a save from a stale version, so two writers cannot both advance', async () => {
    const k = key();
    await store.acquire(k, 'run-1', NOW + 60_000, NOW);
    const v1 = await store.save(k, 'run-1', cursorA, 0, NOW + 60_000);
    await store.save(k, 'run-1', cursorB, v1, NOW + 60_000);
    await expect(store.save(k, 'run-1', cursorA, v1, NOW + 60_000)).rejects.toBeInstanceOf(CheckpointConflictError);
  });

  it('releases only its own lease', async () => {
    const k = key();
    await store.acquire(k, 'run-1', NOW + 60_000, NOW);
    await store.release(k, 'run-2');
    await expect(store.acquire(k, 'run-2', NOW + 60_000, NOW)).rejects.toBeInstanceOf(CheckpointConflictError);
    await store.release(k, 'run-1');
    await expect(store.acquire(k, 'run-2', NOW + 60_000, NOW)).resolves.toBeUndefined();
  });

  it('peeks without taking the lease: another run still acquires, and sees the same checkpoint', async () => {
    const k = key();
    expect(await store.peek(k)).toBeUndefined();
    await store.acquire(k, 'run-1', NOW + 60_000, NOW);
    const v1 = await store.save(k, 'run-1', cursorA, 0, NOW + 60_000);
    await store.release(k, 'run-1');
    expect(await store.peek(k)).toEqual({ cursor: cursorA, version: v1 });
    await expect(store.acquire(k, 'run-2', NOW + 60_000, NOW)).resolves.toEqual({ cursor: cursorA, version: v1 });
  });

  it('advances without a lease (a run that published nothing), on a new key too, each time to a new version', async () => {
    const k = key();
    const v1 = await store.advance(k, cursorA, 0, NOW);
    expect(await store.peek(k)).toEqual({ cursor: cursorA, version: v1 });
    const v2 = await store.advance(k, cursorB, v1, NOW);
    expect(v2).toBeGreaterThan(v1);
    // A leased run that follows sees the advanced cursor and saves from its version.
    expect(await store.acquire(k, 'run-2', NOW + 60_000, NOW)).toEqual({ cursor: cursorB, version: v2 });
    await expect(store.save(k, 'run-2', cursorA, v2, NOW + 60_000)).resolves.toBeGreaterThan(v2);
  });

  it('refuses to advance while another run holds an unexpired lease, or from a stale version', async () => {
    const k = key();
    await store.acquire(k, 'run-1', NOW + 60_000, NOW);
    const v1 = await store.save(k, 'run-1', cursorA, 0, NOW + 60_000);
    await expect(store.advance(k, cursorB, v1, NOW + 1000)).rejects.toBeInstanceOf(CheckpointConflictError);
    expect((await store.peek(k))?.cursor).toEqual(cursorA);
    // Once run-1's lease has expired, an advance from the current version goes through; a stale one does not.
    const v2 = await store.advance(k, cursorB, v1, NOW + 61_000);
    await expect(store.advance(k, cursorA, v1, NOW + 61_000)).rejects.toBeInstanceOf(CheckpointConflictError);
    expect(await store.peek(k)).toEqual({ cursor: cursorB, version: v2 });
    // The expired holder cannot save over it either.
    await expect(store.save(k, 'run-1', cursorA, v1, NOW + 60_000)).rejects.toBeInstanceOf(CheckpointConflictError);
  });
}
