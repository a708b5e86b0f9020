import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataRef } from '../../events';
import type { PayloadStore } from '../../changes/ports';

/**
 * Claim-checked records and files under a directory, for local runs; `bucket` names the directory
 * (`file:///abs/dir`), `key` the file below it. Files keep no content type: the claim check carries it.
 */
export class FilePayloadStore implements PayloadStore {
  constructor(private readonly dir: string) {}

  async put(key: string, body: string): Promise<DataRef> {
    return this.putBytes(key, Buffer.from(body, 'utf8'), 'application/json');
  }

  async putBytes(key: string, bytes: Uint8Array, _contentType: string): Promise<DataRef> {
    const file = path.join(this.dir, ...key.split('/').filter((part) => part && part !== '..'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    return {
      bucket: `file://${path.resolve(this.dir)}`,
      key,
      bytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  }
}
