// get (by id or natural key) and query (offset paging up to `limit` records, within a byte budget).
import {
  CoupaConflictError,
  CoupaNotFoundError,
  CoupaValidationError,
  isCoupaResponseTooLargeError,
  MAX_PAGE_SIZE,
  MIN_ATTEMPT_MS,
  type CoupaQuery,
  type CoupaRecord,
} from '../coupa';
import { MAX_QUERY_RESULT_BYTES } from './limits';
import { responseOptions } from './response-options';
import type { ActionDeps, ActionResult, ParsedGet, ParsedQuery, TruncatedBy } from './types';

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
  if (rows.length === 0)
    throw new CoupaNotFoundError(`No ${input.object} record has ${described}`, { method: 'GET', path: `/api/${input.path}` });
  if (rows.length > 1) {
    throw new CoupaConflictError(
      `More than one ${input.object} record has ${described} (ids ${rows.map((r) => String(r.id)).join(', ')}, maybe more); get it by id`,
      {
        method: 'GET',
        path: `/api/${input.path}`,
      },
    );
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
 * Memory is bounded by bytes, not only by count: each page is read with at most what is left of the
 * byte budget (`queryResultBytes`), and a page that would pass it ends the result (`truncatedBy:
 * "bytes"`) without being held. If the very first page is already too large, the page size is halved
 * until it fits; one record alone over the budget is `Coupa.Validation`. With a deadline, paging stops
 * when the time left is less than twice the slowest page so far (`truncatedBy: "deadline"`).
 *
 * @internal
 */
export async function runQuery(
  { client, deadlineMs, queryResultBytes = MAX_QUERY_RESULT_BYTES }: ActionDeps,
  input: ParsedQuery,
): Promise<ActionResult> {
  const options = responseOptions(input);
  const base: CoupaQuery = {
    ...input.filters,
    ...(input.orderBy ? { order_by: input.orderBy } : {}),
    ...(input.dir ? { dir: input.dir } : {}),
  };
  const records: CoupaRecord[] = [];
  let offset = input.offset;
  let bytes = 2; // the brackets of the list
  let pageSize = MAX_PAGE_SIZE;
  let slowestPageMs = 0;
  let pages = 0;
  let truncatedBy: TruncatedBy | undefined;
  while (records.length < input.limit) {
    // A page like the ones so far would not fit: stop now rather than fetch it and cut it off.
    if (records.length > 0 && queryResultBytes - bytes < bytes / pages) {
      truncatedBy = 'bytes';
      break;
    }
    if (records.length > 0 && deadlineMs !== undefined && deadlineMs - Date.now() < Math.max(MIN_ATTEMPT_MS, 2 * slowestPageMs)) {
      truncatedBy = 'deadline';
      break;
    }
    const remaining = input.limit - records.length;
    const size = remaining < pageSize ? remaining + 1 : pageSize;
    const startedMs = Date.now();
    let page: CoupaRecord[];
    try {
      page = await client.list(input.path, { ...base, limit: size, offset }, { ...options, maxBytes: queryResultBytes - bytes });
    } catch (error) {
      if (!isCoupaResponseTooLargeError(error)) throw error;
      if (records.length > 0) {
        truncatedBy = 'bytes'; // this page is not held: the next call starts with it
        break;
      }
      if (size > 1) {
        pageSize = Math.floor(size / 2);
        continue;
      }
      throw new CoupaValidationError(
        `The ${input.object} record at offset ${offset} alone is over the query result budget of ${queryResultBytes} bytes: ` +
          'ask for less of it (fields, or returnType "shallow" or "limited"), or get it by id',
        { method: 'GET', path: `/api/${input.path}` },
      );
    }
    slowestPageMs = Math.max(slowestPageMs, Date.now() - startedMs);
    pages++;
    for (const record of page) bytes += Buffer.byteLength(JSON.stringify(record), 'utf8') + 1;
    records.push(...page);
    offset += page.length;
    if (page.length < size) break; // Coupa has no more
    if (records.length >= input.limit) {
      // Either the probe record came back, or the page ended exactly at the limit: more may exist.
      truncatedBy = 'limit';
      break;
    }
  }
  if (records.length > input.limit) records.length = input.limit;
  const count = records.length;
  return {
    object: input.object,
    records,
    count,
    truncated: truncatedBy !== undefined,
    ...(truncatedBy === undefined ? {} : { nextOffset: input.offset + count, truncatedBy }),
  };
}

/** The record's id when Coupa sent one. @internal */
export function idOf(record: unknown): number | null {
  const id = typeof record === 'object' && record !== null ? (record as CoupaRecord).id : undefined;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
}
