import { createHash } from 'node:crypto';

/** A file part of a multipart/form-data body. */
export interface UploadedFile {
  readonly filename: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

/** A parsed multipart/form-data body: text fields and file parts by name. */
export interface MultipartForm {
  readonly fields: Readonly<Record<string, string>>;
  readonly files: Readonly<Record<string, UploadedFile>>;
}

export const isMultipart = (contentType: string | undefined): boolean => /^multipart\/form-data\b/i.test(contentType ?? '');

/** Parses a multipart body with the platform's own parser (undici's `Request.formData()`); undefined when malformed. */
export async function parseMultipart(body: Buffer, contentType: string): Promise<MultipartForm | undefined> {
  let data: FormData;
  try {
    data = await new Request('http://127.0.0.1/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(body),
    }).formData();
  } catch {
    return undefined;
  }
  const fields: Record<string, string> = {};
  const files: Record<string, UploadedFile> = {};
  for (const [name, value] of data) {
    if (typeof value === 'string') fields[name] = value;
    else
      files[name] = {
        filename: value.name,
        contentType: value.type || 'application/octet-stream',
        bytes: Buffer.from(await value.arrayBuffer()),
      };
  }
  return { fields, files };
}

/** What the request log keeps of a multipart body: the fields, and each file's name, type, size and SHA-256. */
export function summariseForm(form: MultipartForm): Record<string, unknown> {
  const out: Record<string, unknown> = { ...form.fields };
  for (const [name, file] of Object.entries(form.files)) {
    out[name] = {
      filename: file.filename,
      contentType: file.contentType,
      bytes: file.bytes.length,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
    };
  }
  return out;
}
