import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCursor, type Cursor } from '../../changes/cursor';
import { CheckpointConflictError, type Checkpoint, type CheckpointStore } from '../../changes/ports';

interface StoredFile {
  cursor?: Cursor;
  version: number;
  lease?: { owner: string; untilMs: number };
}

/**
 * Checkpoints as JSON files in a directory, for local runs (`poll --state-dir`). Each
 * read-check-write holds an exclusive lock file, so two local processes get the same lease and
 * version rules as the DynamoDB store.
 */
export class FileCheckpointStore implements CheckpointStore {
  constructor(
    private readonly dir: string,
    private readonly lockWaitMs = 2000,
  ) {}

  async acquire(key: string, owner: string, leaseUntilMs: number, nowMs: number): Promise<Checkpoint | undefined> {
    return this.locked(key, async (file) => {
      const lease = file.lease;
      if (lease && lease.owner !== owner && lease.untilMs > nowMs) {
        throw new CheckpointConflictError(
          `Another run (${lease.owner}) holds the lease on ${key} until ${new Date(lease.untilMs).toISOString()}`,
        );
      }
      await this.write(key, { ...file, lease: { owner, untilMs: leaseUntilMs } });
      return file.cursor ? { cursor: file.cursor, version: file.version } : undefined;
    });
  }

  async save(key: string, owner: string, cursor: Cursor, expectedVersion: number, leaseUntilMs: number): Promise<number> {
    return this.locked(key, async (file) => {
      if (file.lease?.owner !== owner) throw new CheckpointConflictError(`Run ${owner} no longer holds the lease on ${key}`);
      if (file.version !== expectedVersion)
        throw new CheckpointConflictError(`Checkpoint ${key} is at version ${file.version}, expected ${expectedVersion}`);
      const version = expectedVersion + 1;
      await this.write(key, { cursor, version, lease: { owner, untilMs: leaseUntilMs } });
      return version;
    });
  }

  async peek(key: string): Promise<Checkpoint | undefined> {
    return this.locked(key, async (file) => (file.cursor ? { cursor: file.cursor, version: file.version } : undefined));
  }

  async advance(key: string, cursor: Cursor, expectedVersion: number, nowMs: number): Promise<number> {
    return this.locked(key, async (file) => {
      const lease = file.lease;
      if (lease && lease.untilMs > nowMs) {
        throw new CheckpointConflictError(
          `Another run (${lease.owner}) holds the lease on ${key} until ${new Date(lease.untilMs).toISOString()}`,
        );
      }
      if (file.version !== expectedVersion)
        throw new CheckpointConflictError(`Checkpoint ${key} is at version ${file.version}, expected ${expectedVersion}`);
      const version = expectedVersion + 1;
      await this.write(key, { ...file, cursor, version });
      return version;
    });
  }

  async release(key: string, owner: string): Promise<void> {
    await this.locked(key, async (file) => {
      if (file.lease?.owner === owner) await this.write(key, { cursor: file.cursor, version: file.version });
    });
  }

  private fileOf(key: string): string {
    return path.join(this.dir, `${key.replace(/[^\w.-]+/g, '_')}.checkpoint.json`);
  }

  private async read(key: string): Promise<StoredFile> {
    try {
      const raw = JSON.parse(await readFile(this.fileOf(key), 'utf8')) as StoredFile;
      return { ...raw, cursor: raw.cursor === undefined ? undefined : parseCursor(raw.cursor) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 0 };
      throw error;
    }
  }

  /** Written to a temporary file and renamed: a crash never leaves half a checkpoint. */
  private async write(key: string, file: StoredFile): Promise<void> {
    const target = this.fileOf(key);
    await writeFile(`${target}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
    await rename(`${target}.tmp`, target);
  }

  private async locked<T>(key: string, body: (file: StoredFile) => Promise<T>): Promise<T> {
    await mkdir(this.dir, { recursive: true });
    const lock = `${this.fileOf(key)}.lock`;
    const handle = await this.takeLock(lock, key);
    try {
      return await body(await this.read(key));
    } finally {
      await handle.close();
      await rm(lock, { force: true });
    }
  }

  /**
   * The lock is held only for one read-check-write (milliseconds), so a busy lock is waited for; one
   * still held after `lockWaitMs` was left by a crashed process.
   */
  private async takeLock(lock: string, key: string) {
    const deadline = Date.now() + this.lockWaitMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await open(lock, 'wx');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (Date.now() >= deadline) {
          throw new CheckpointConflictError(
            `Checkpoint ${key} stayed locked (${lock}); if no poll is running, a crashed one left it: remove the file`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(50, 2 ** attempt)));
      }
    }
  }
}
