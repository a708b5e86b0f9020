import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataRef } from '../../events';
import type { PayloadStore } from '../../changes/ports';

/** Claim-checked records as files under a directory, for local runs; `bucket` names the directory. */
export class FilePayloadStore implements PayloadStore {
  constructor(private readonly dir: string) {}

  async put(key: string, body: string): Promise<DataRef> {
    const file = path.join(this.dir, ...key.split('/').filter((part) => part && part !== '..'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
    return { bucket: `file://${path.resolve(this.dir)}`, key, bytes: Buffer.byteLength(body), sha256: createHash('sha256').update(body).digest('hex') };
  }
}
