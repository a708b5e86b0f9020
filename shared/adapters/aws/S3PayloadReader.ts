import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, type S3Client } from '@aws-sdk/client-s3';
import type { DataRef } from '../../events';
import type { PayloadReader } from '../../redrive/ports';

/**
 * PayloadReader on Amazon S3: the claim-check objects a DataRef names (any bucket the caller may read).
 * A missing object is `undefined` / `false`; every other error propagates.
 *
 * @example
 * const payloads = new S3PayloadReader({ client: new S3Client({}) });
 */
export class S3PayloadReader implements PayloadReader {
  private readonly client: S3Client;

  constructor(options: { readonly client: S3Client }) {
    this.client = options.client;
  }

  async read(ref: DataRef): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
      return await out.Body!.transformToString('utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async exists(ref: DataRef): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof NoSuchKey ||
    error instanceof NotFound ||
    (error as { name?: string }).name === 'NotFound' ||
    (error as { name?: string }).name === 'NoSuchKey'
  );
}
