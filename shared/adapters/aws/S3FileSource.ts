import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { describeLocation, type FileLocation, type FileSource, type SourceFile } from '../../actions/files';
import { CoupaTransientError, CoupaValidationError } from '../../coupa';

export interface S3FileSourceOptions {
  readonly client: S3Client;
  /** Buckets files may come from (the connector's attachment sources); others are refused before any call. */
  readonly buckets: readonly string[];
}

/** S3 errors that no retry cures: the input names a file that is not there or not ours to read. */
const PERMANENT = new Set(['NoSuchKey', 'NoSuchBucket', 'NotFound', 'AccessDenied', 'InvalidObjectState', 'InvalidBucketName']);

/**
 * FileSource on Amazon S3, for `attach` in Lambda: one GetObject, refused before reading the body when
 * `ContentLength` is over the limit. Missing or forbidden objects become `Coupa.Validation` (fix the
 * input), other S3 failures `Coupa.Transient` (nothing was sent to Coupa yet, so a retry is safe).
 *
 * @example
 * const files = new S3FileSource({ client: new S3Client({}), buckets: ['acme-scans'] });
 * const file = await files.read({ s3: { bucket: 'acme-scans', key: 'inbox/inv-1.pdf' } }, 32 * 1024 * 1024);
 */
export class S3FileSource implements FileSource {
  readonly #client: S3Client;
  readonly #buckets: ReadonlySet<string>;

  constructor(options: S3FileSourceOptions) {
    this.#client = options.client;
    this.#buckets = new Set(options.buckets);
  }

  async read(location: FileLocation, maxBytes: number): Promise<SourceFile> {
    if (!('s3' in location)) {
      throw new CoupaValidationError(
        `Invalid input for the "attach" action: file.path is for the CLI; here give file.s3 {"bucket", "key"}`,
      );
    }
    const { bucket, key } = location.s3;
    if (!this.#buckets.has(bucket)) {
      throw new CoupaValidationError(
        `Invalid input for the "attach" action: bucket "${bucket}" is not an attachment source of this connector (attachmentSourceBuckets: ${[...this.#buckets].join(', ') || 'none'})`,
      );
    }
    const where = describeLocation(location);
    // Loaded on first use: attachments are a rare path (see S3PayloadStore.putBytes).
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    let out: GetObjectCommandOutput;
    try {
      out = await this.#client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      throw failure(error, where);
    }
    const size = out.ContentLength;
    if (size !== undefined && size > maxBytes) {
      try {
        void out.Body?.transformToWebStream()
          .cancel()
          .catch(() => undefined); // release the connection unread
      } catch {
        // already consumed or not a stream: nothing to release
      }
      throw tooLarge(where, size, maxBytes);
    }
    let bytes: Uint8Array;
    try {
      bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (error) {
      throw failure(error, where);
    }
    if (bytes.byteLength > maxBytes) throw tooLarge(where, bytes.byteLength, maxBytes);
    return { bytes, name: key.slice(key.lastIndexOf('/') + 1) || 'file', ...(out.ContentType ? { contentType: out.ContentType } : {}) };
  }
}

function failure(error: unknown, where: string): Error {
  const name = error instanceof Error ? error.name : 'Error';
  const message = `${name}: ${error instanceof Error ? error.message : String(error)}`;
  if (PERMANENT.has(name))
    return new CoupaValidationError(`Invalid input for the "attach" action: cannot read ${where} (${message})`, { cause: error });
  return new CoupaTransientError(`Reading ${where} from S3 failed (${message}); nothing was sent to Coupa, retry the attach`, {
    cause: error,
  });
}

const tooLarge = (where: string, size: number, maxBytes: number) =>
  new CoupaValidationError(`Invalid input for the "attach" action: ${where} is ${size} bytes, over the limit of ${maxBytes} bytes`);
