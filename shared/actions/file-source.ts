// The port through which `attach` reads the file it uploads: S3 in Lambda
// (shared/adapters/aws/S3FileSource.ts), the local disk in the CLI (shared/adapters/file/LocalFileSource.ts).

/** Where a file to attach is: an S3 object, or a path on the machine running the CLI. */
export type FileLocation = { readonly s3: { readonly bucket: string; readonly key: string } } | { readonly path: string };

/** A file read whole into memory. */
export interface SourceFile {
  readonly bytes: Uint8Array;
  /** The last segment of the key or path: the default attachment name. */
  readonly name: string;
  /** What the store says the content is (S3 `ContentType`), when it says something useful. */
  readonly contentType?: string;
}

/**
 * Reads files to attach. Nothing is sent to Coupa before the file is read, so every failure here leaves
 * Coupa untouched.
 */
export interface FileSource {
  /**
   * @throws `Coupa.Validation` when the file does not exist, may not be read, is over `maxBytes` or is a
   *   kind of location this source does not serve; `Coupa.Transient` when reading may work on a retry.
   */
  read(location: FileLocation, maxBytes: number): Promise<SourceFile>;
}

/** `{s3:{bucket,key}}` → `s3://bucket/key`; `{path}` → the path. For messages. */
export const describeLocation = (location: FileLocation): string =>
  's3' in location ? `s3://${location.s3.bucket}/${location.s3.key}` : location.path;
