// get (by id or natural key) and query (offset paging up to `limit` records).
import { CoupaConflictError, CoupaNotFoundError, MAX_PAGE_SIZE, type CoupaQuery, type CoupaRecord } from '../coupa';
import { responseOptions } from './response-options';
import type { ActionDeps, ActionResult, ParsedGet, ParsedQuery } from './types';

/** `GET /api/{path}/{id}`, or the one record matching the natural key. @internal */
export async function runGet({ client }: ActionDeps, input: ParsedGet): Promise<ActionResult> {
  const options = responseOptions(input);
  if (input.id !== undefined) {
    const record = await client.get(input.path, input.id, options);
    return { object: input.object, id: idOf(record) ?? input.id, record };
  }
  // Two rows are enough to tell "exactly one" from "several".
  const rows = await client.list(input.path, { ...input.filters, limit: 2 }, options);
  const described = Object.entries(input.naturalKey ?? {})
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
    .join(', ');
  if (rows.length === 0) throw new CoupaNotFoundError(`No ${input.object} record has ${described}`, { method: 'GET', path: `/api/${input.path}` });
  if (rows.length > 1) {
    throw new CoupaConflictError(`More than one ${input.object} record has ${described} (ids ${rows.map((r) => String(r.id)).join(', ')}, maybe more); get it by id`, {
      method: 'GET',
      path: `/api/${input.path}`,
    });
  }
  const record = rows[0]!;
  return { object: input.object, id: idOf(record), record };
}

/**
 * Up to `limit` records from `offset` on, page by page (Coupa returns at most 50 per request). When the
 * last page has room, it asks for one record more than needed: that tells whether Coupa has more
 * (`truncated`) at no extra request. Offset paging over data that changes meanwhile can skip or
 * repeat records: it is a snapshot reader, not a change feed (the pollers are that).
 *
 * @internal
 */
export async function runQuery({ client }: ActionDeps, input: ParsedQuery): Promise<ActionResult> {
  const options = responseOptions(input);
  const base: CoupaQuery = {
    ...input.filters,
    ...(input.orderBy ? { order_by: input.orderBy } : {}),
    ...(input.dir ? { dir: input.dir } : {}),
  };
  const records: CoupaRecord[] = [];
  let offset = input.offset;
  let truncated = false;
  while (records.length < input.limit) {
    const remaining = input.limit - records.length;
    const pageSize = remaining < MAX_PAGE_SIZE ? remaining + 1 : MAX_PAGE_SIZE;
    const page = await client.list(input.path, { ...base, limit: pageSize, offset }, options);
    records.push(...page);
    offset += page.length;
    if (page.length < pageSize) break; // Coupa has no more
    if (records.length >= input.limit) {
      // Either the probe record came back, or the page ended exactly at the limit: more may exist.
      truncated = true;
      break;
    }
  }
  if (records.length > input.limit) records.length = input.limit;
  return { object: input.object, records, count: records.length, truncated };
}

/** The record's id when Coupa sent one. @internal */
export function idOf(record: unknown): number | null {
  const id = typeof record === 'object' && record !== null ? (record as CoupaRecord).id : undefined;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
}
