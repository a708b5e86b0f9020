import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { normalizePayloadPrefix, type PayloadStore } from '../../changes/ports';
import type { DataRef } from '../../events';

export interface S3PayloadStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Prepended to every key, e.g. `payloads/` (a missing trailing `/` is added). @default no prefix */
  readonly prefix?: string;
}

/**
 * PayloadStore on Amazon S3 (claim check): one JSON object per record too large to travel inline.
 * S3 verifies the body against the SHA-256 we send, so a `DataRef` never points at a corrupted object.
 *
 * @example
 * const payloads = new S3PayloadStore({ client: new S3Client({}), bucket: 'coupa-payloads', prefix: 'records/' });
 * const ref = await payloads.put('acme/invoices/123/2026-11-27T080000Z.json', JSON.stringify(record));
 */
export class S3PayloadStore implements PayloadStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3PayloadStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    const prefix = options.prefix ?? '';
    this.prefix = normalizePayloadPrefix(prefix);
  }

  async put(key: string, body: string): Promise<DataRef> {
    return this.putBytes(key, Buffer.from(body, 'utf8'), 'application/json');
  }

  async putBytes(key: string, body: Uint8Array, contentType: string): Promise<DataRef> {
    assertSafeKey(key);
    const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const digest = createHash('sha256').update(bytes).digest();
    const fullKey = `${this.prefix}${key}`;
    // Loaded on first use (a dynamic import): a static one would load the S3 module at every cold start,
    // as esbuild hoists external imports to the top of an ESM bundle, and claim checks are a rare path.
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: fullKey,
        Body: bytes,
        ContentType: contentType,
        // Our own digest (we need it for the DataRef anyway); S3 rejects the upload if the body differs.
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: digest.toString('base64'),
      }),
    );
    return { bucket: this.bucket, key: fullKey, bytes: bytes.length, sha256: digest.toString('hex') };
  }
}

/** Keys come from the poller; a `..` or `.` segment would escape or alias the prefix for any reader that resolves paths. */
function assertSafeKey(key: string): void {
  if (key === '' || key.startsWith('/')) throw new Error(`Payload key must be a relative, non-empty path: ${JSON.stringify(key)}`);
  if (key.split('/').some((segment) => segment === '..' || segment === '.')) {
    throw new Error(`Payload key must not contain "." or ".." segments: ${JSON.stringify(key)}`);
  }
}
