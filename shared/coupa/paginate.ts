// Simple offset paging: page after page until a short one. Fine for stable result sets; the poller
// does its own paging, because offsets over changing data skip and repeat rows (design.md hazards).
import type { CoupaClient, CoupaReadOptions } from './client';
import type { CoupaQuery } from './query';
import type { CoupaRecord } from './types';

/** Coupa's maximum (and default) page size. */
export const MAX_PAGE_SIZE = 50;

/**
 * Iterates over the pages of a list query with `limit`/`offset`, starting at the query's `offset`
 * (default 0), until Coupa returns a short or empty page. Empty pages are not yielded.
 *
 * @example
 * for await (const page of paginate(client, 'suppliers', { status: 'active', order_by: 'id' })) {
 *   for (const supplier of page) console.log(supplier.id);
 * }
 */
export async function* paginate<T = CoupaRecord>(
  client: Pick<CoupaClient, 'list'>,
  path: string,
  query: CoupaQuery = {},
  options: CoupaReadOptions = {},
): AsyncGenerator<T[], void, undefined> {
  const limit = query.limit ?? MAX_PAGE_SIZE;
  let offset = query.offset ?? 0;
  for (;;) {
    const page = await client.list<T>(path, { ...query, limit, offset }, options);
    if (page.length > 0) yield page;
    if (page.length < limit) return;
    offset += page.length;
  }
}
