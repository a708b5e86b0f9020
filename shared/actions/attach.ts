// The `attach` action: reads a file through the FileSource port, then uploads it to the record's
// attachments (`POST /api/<object>/<id>/attachments`, multipart). The POST is never resent after an
// unknown outcome (a timeout or 5xx may have created the attachment): the client only retries 429s and
// the one 401 refresh, which Coupa rejected before doing anything.
import { createHash } from 'node:crypto';
import { CoupaConfigurationError, CoupaValidationError, type CoupaRecord } from '../coupa';
import { contentTypeOf, OCTET_STREAM } from './content-types';
import { describeLocation } from './file-source';
import { MAX_FILE_BYTES } from './limits';
import type { ActionDeps, ActionResult, ParsedAttach } from './types';

/**
 * Coupa's multipart field names for a file attachment (R39 OpenAPI: `attachment[file]`,
 * `attachment[type]` required; the Attachment definition has `intent`). Kept in this one place.
 */
export const ATTACHMENT_FIELDS = { file: 'attachment[file]', type: 'attachment[type]', intent: 'attachment[intent]' } as const;

/** Uploads the file; answers the record, Coupa's new attachment record and what was sent. @internal */
export async function runAttach({ client, files }: ActionDeps, input: ParsedAttach): Promise<ActionResult> {
  if (!files)
    throw new CoupaConfigurationError('The attach action needs a file source (S3 in Lambda, local files in the CLI); none is configured');
  const file = await files.read(input.file, MAX_FILE_BYTES);
  if (file.bytes.byteLength === 0)
    throw new CoupaValidationError(`Invalid input for the "attach" action: file ${describeLocation(input.file)} is empty`);
  const filename = input.filename ?? file.name;
  const contentType =
    input.contentType ?? (file.contentType && file.contentType !== OCTET_STREAM ? file.contentType : contentTypeOf(filename));
  const form = new FormData();
  form.append(ATTACHMENT_FIELDS.type, 'file');
  if (input.intent) form.append(ATTACHMENT_FIELDS.intent, input.intent);
  form.append(ATTACHMENT_FIELDS.file, new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: contentType }), filename);
  const attachment = await client.request<CoupaRecord>('POST', input.path, { multipart: form, idempotent: false });
  return {
    object: input.object,
    id: input.id,
    attachment: attachment ?? null,
    file: { filename, contentType, bytes: file.bytes.byteLength, sha256: createHash('sha256').update(file.bytes).digest('hex') },
  };
}
