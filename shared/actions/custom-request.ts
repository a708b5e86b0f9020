// The `request` action: any Coupa API call below /api/ of the configured host (the path was confined by
// request-path.ts), for what the catalog does not describe.
import type { ActionDeps, ActionResult, ParsedRequest } from './types';

/** Sends the request; answers Coupa's status and parsed JSON body (`null` when empty). @internal */
export async function runRequest({ client }: ActionDeps, input: ParsedRequest): Promise<ActionResult> {
  let status = 0;
  const body = await client.request(input.method, input.path, {
    ...(input.query ? { query: input.query } : {}),
    ...(input.body === undefined ? {} : { json: input.body }),
    // What a custom write does is unknown to us: only reads are resent after an unknown outcome.
    idempotent: input.method === 'GET',
    onResponse: (response) => {
      status = response.status;
    },
  });
  return { status, body: body ?? null };
}
