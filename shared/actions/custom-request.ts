// The `request` action: any Coupa API call below /api/ of the configured host (the path was confined by
// request-path.ts), for what the catalog does not describe. JSON answers come back inline; files (image
// scans, PDFs, attachment downloads) are stored through the PayloadStore and come back as a claim check.
import { randomUUID } from 'node:crypto';
import { CoupaConfigurationError } from '../coupa';
import { extensionOf } from './content-types';
import { MAX_FILE_BYTES } from './limits';
import type { ActionDeps, ActionResult, ParsedRequest } from './types';

/** Sends the request; answers Coupa's status and parsed JSON body (`null` when empty), or the stored file. @internal */
export async function runRequest({ client, fileResults }: ActionDeps, input: ParsedRequest): Promise<ActionResult> {
  const answer = await client.requestContent(input.method, input.path, {
    ...(input.query ? { query: input.query } : {}),
    ...(input.body === undefined ? {} : { json: input.body }),
    // What a custom write does is unknown to us: only reads are resent after an unknown outcome.
    idempotent: input.method === 'GET',
    maxBytes: MAX_FILE_BYTES,
  });
  if (answer.kind === 'json') return { status: answer.status, body: answer.body };
  if (!fileResults) {
    throw new CoupaConfigurationError(
      `Coupa answered ${input.method} /api/${input.path} with a file (${answer.contentType}, ${answer.bytes.byteLength} bytes) but no payload store is configured to keep it (PAYLOAD_BUCKET)`,
    );
  }
  const key = `${fileResults.keyPrefix}request/${new Date().toISOString().slice(0, 10)}/${randomUUID()}${extensionOf(answer.contentType)}`;
  const ref = await fileResults.store.putBytes(key, answer.bytes, answer.contentType);
  return { status: answer.status, file: { ...ref, contentType: answer.contentType } };
}
