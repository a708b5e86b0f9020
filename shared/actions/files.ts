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

// Content types of attachments and file answers: a default by extension when nobody says, and an
// extension for a stored answer (so a person opening the claim-checked object sees what it is).

const BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  txt: 'text/plain',
  csv: 'text/csv',
  xml: 'application/xml',
  json: 'application/json',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export const OCTET_STREAM = 'application/octet-stream';

/** `scan.PDF` → `application/pdf`; unknown extensions → `application/octet-stream`. */
export function contentTypeOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return (dot >= 0 && BY_EXTENSION[filename.slice(dot + 1).toLowerCase()]) || OCTET_STREAM;
}

/** `application/pdf; charset=…` → `.pdf`; `.bin` for types without a known extension. */
export function extensionOf(contentType: string): string {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const found = Object.entries(BY_EXTENSION).find(([, t]) => t === type);
  return `.${found ? found[0] : 'bin'}`;
}
