import { createHash, randomUUID } from 'node:crypto';
import {
  CoupaConfigurationError,
  CoupaConflictError,
  CoupaNotFoundError,
  type CoupaQuery,
  type CoupaReadOptions,
  type CoupaRecord,
  CoupaValidationError,
  type CoupaWriteOptions,
  type FieldSpec,
  isCoupaResponseTooLargeError,
  MAX_PAGE_SIZE,
  type ReturnObject,
  withDeadline,
} from '../coupa';
import { MIN_ATTEMPT_MS } from '../coupa/retry';
import { contentTypeOf, describeLocation, extensionOf, OCTET_STREAM } from './files';
import { MAX_FILE_BYTES, MAX_QUERY_RESULT_BYTES } from './limits';
import { parseActionInput } from './parse';
import type {
  ActionDeps,
  ActionResult,
  ActionReturnType,
  ParsedAction,
  ParsedAttach,
  ParsedCreate,
  ParsedGet,
  ParsedMarkExported,
  ParsedQuery,
  ParsedRequest,
  ParsedSpecialAction,
  ParsedUpdate,
  TruncatedBy,
} from './types';

// The one core call of the action Lambdas, the command consumer, the CLI and the tests.

/**
 * Validates `input` for `action`, then calls Coupa.
 *
 * @param action - `get`, `query`, `create`, `update`, `mark_exported`, `request`, `attach`, or a special
 *   action of the object (`submit`, `approve`…).
 * @param input - the caller's input, straight from JSON: `{ object, id?, data?, query?, returnType?,
 *   fields?, idempotencyKey?, parent?, naturalKey?, params? }`, for `request` `{ method, path,
 *   query?, body? }`, for `attach` `{ object, id, file, filename?, contentType?, intent? }`.
 * @throws {CoupaError} subclasses (names `Coupa.*`). Invalid input throws `Coupa.Validation` before any
 *   request leaves; a get by natural key that matches nothing throws `Coupa.NotFound`, one that
 *   matches several `Coupa.Conflict`.
 * @example
 * const { record } = await runAction({ client }, 'get', { object: 'suppliers', id: 12 });
 * await runAction({ client }, 'reject', { object: 'approvals', id: 7, params: { reason: 'over budget' } });
 */
export async function runAction(deps: ActionDeps, action: string, input: unknown): Promise<ActionResult> {
  return executeAction(deps, parseActionInput(action, input));
}

/** Runs an action that {@link parseActionInput} has already validated. */
export async function executeAction(given: ActionDeps, parsed: ParsedAction): Promise<ActionResult> {
  const deps = given.deadlineMs === undefined ? given : { ...given, client: withDeadline(given.client, given.deadlineMs) };
  switch (parsed.kind) {
    case 'get':
      return runGet(deps, parsed);
    case 'query':
      return runQuery(deps, parsed);
    case 'create':
      return runCreate(deps, parsed);
    case 'update':
      return runUpdate(deps, parsed);
    case 'mark_exported':
      return runMarkExported(deps, parsed);
    case 'special':
      return runSpecialAction(deps, parsed);
    case 'request':
      return runRequest(deps, parsed);
    case 'attach':
      return runAttach(deps, parsed);
  }
}

// get (by id or natural key) and query (offset paging up to `limit` records, within a byte budget).

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

// create, update, mark_exported and special actions: one Coupa request each, except creates through
// an embedding parent (purchase order lines), which add the line to the parent and then read it.

/** `POST /api/{path}`, or the embedding parent's PUT for `via` objects. @internal */
export async function runCreate(deps: ActionDeps, input: ParsedCreate): Promise<ActionResult> {
  if (input.via) return createThroughParent(deps, input);
  const reply = await deps.client.create(input.path, input.data, responseOptions(input));
  return { object: input.object, id: idOf(reply), record: asRecord(reply) };
}

/**
 * `PUT /api/purchase_orders/{id}` with `{"order-lines": [data]}` (Coupa adds a line given without an
 * id), then `GET` of the new line in the shape asked for. The new line is the one with the `line-num`
 * given in `data`, else the one with the highest id (Coupa's ids only grow).
 */
async function createThroughParent({ client }: ActionDeps, input: ParsedCreate): Promise<ActionResult> {
  const via = input.via!;
  const body = { [via.field]: [input.data] };
  if (input.returnType === 'none') {
    // Adding a line is not idempotent: a resend after an unknown outcome could add it twice.
    await client.update(via.path, via.id, body, { returnObject: 'none', idempotent: false });
    return { object: input.object, id: null, record: null };
  }
  const embedded = via.field.replace(/-/g, '_');
  const fields: FieldSpec = ['id', { [embedded]: ['id', 'line_num'] }];
  const parent = asRecord(await client.update(via.path, via.id, body, { fields, idempotent: false }));
  const lines = (parent?.[via.field] ?? parent?.[embedded]) as CoupaRecord[] | undefined;
  const id = newLineId(Array.isArray(lines) ? lines : [], input.data);
  if (id === null) return { object: input.object, id: null, record: null };
  const record = await client.get(input.path, id, responseOptions(input));
  return { object: input.object, id, record };
}

function newLineId(lines: readonly CoupaRecord[], data: Readonly<Record<string, unknown>>): number | null {
  const lineNum = data['line-num'] ?? data.line_num;
  const candidates = lineNum === undefined ? lines : lines.filter((l) => String(l['line-num'] ?? l.line_num) === String(lineNum));
  const ids = candidates.map(idOf).filter((id): id is number => id !== null);
  return ids.length ? Math.max(...ids) : null;
}

/**
 * `PUT /api/{path}/{id}` with the fields to change; not resent after an unknown outcome when it adds
 * nested records (see resend-safety.ts). @internal
 */
export async function runUpdate({ client }: ActionDeps, input: ParsedUpdate): Promise<ActionResult> {
  const reply = await client.update(input.path, input.id, input.data, {
    ...responseOptions(input),
    idempotent: !addsNestedRecords(input.data),
  });
  return { object: input.object, id: idOf(reply) ?? input.id, record: asRecord(reply) };
}

/** `PUT /api/{path}/{id}?exported=true`, no body (Coupa may ignore other changes in that call). @internal */
export async function runMarkExported({ client }: ActionDeps, input: ParsedMarkExported): Promise<ActionResult> {
  const reply = await client.update(input.path, input.id, undefined, { ...responseOptions(input), query: { exported: true } });
  return { object: input.object, id: idOf(reply) ?? input.id, record: asRecord(reply) };
}

/** `PUT /api/{path}/{id}/{action}` (or the catalog's method, or on the collection). @internal */
export async function runSpecialAction({ client }: ActionDeps, input: ParsedSpecialAction): Promise<ActionResult> {
  const reply = await client.action(input.path, input.id, input.action, {
    method: input.method,
    // Actions change state (submit, add_approver): never resent when the outcome is unknown.
    idempotent: false,
    ...responseOptions(input),
    ...(input.params ? { query: input.params } : {}),
    ...(input.data ? { json: input.data } : {}),
  });
  return { object: input.object, id: idOf(reply) ?? input.id, record: asRecord(reply) };
}

/** Coupa's answer when it is a record; `null` for an empty answer (`return_object=none`). */
function asRecord(reply: unknown): CoupaRecord | null {
  return typeof reply === 'object' && reply !== null && !Array.isArray(reply) ? (reply as CoupaRecord) : null;
}

// The `request` action: any Coupa API call below /api/ of the configured host (the path was confined by
// request-path.ts), for what the catalog does not describe. JSON answers come back inline; files (image
// scans, PDFs, attachment downloads) are stored through the PayloadStore and come back as a claim check.

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

// The `attach` action: reads a file through the FileSource port, then uploads it to the record's
// attachments (`POST /api/<object>/<id>/attachments`, multipart). The POST is never resent after an
// unknown outcome (a timeout or 5xx may have created the attachment): the client only retries 429s and
// the one 401 refresh, which Coupa rejected before doing anything.

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

// Whether a write may be resent after an unknown outcome (timeout, reset, 5xx after sending) is decided by
// what it does, not by its verb: a PUT that adds nested records (a purchase order line given without an
// id) would add them again, like a POST.

/**
 * True when `data` holds, at any depth, an array with an object that has no `id`: Coupa creates such
 * entries (`{"order-lines": [{"line-num": 3, …}]}` adds a line). Arrays of plain values (multi-select
 * custom fields) and entries that name their `id` (edits of existing lines) are safe to resend.
 *
 * @example
 * addsNestedRecords({ 'order-lines': [{ 'line-num': 3 }] })           // true
 * addsNestedRecords({ 'order-lines': [{ id: 7, quantity: 2 }] })       // false
 * addsNestedRecords({ 'custom-fields': { regions: ['EU', 'US'] } })    // false
 */
export function addsNestedRecords(data: unknown, depth = 0): boolean {
  if (depth > 20 || typeof data !== 'object' || data === null) return false;
  if (Array.isArray(data)) {
    return data.some((item) => (isPlainObject(item) && item.id === undefined) || addsNestedRecords(item, depth + 1));
  }
  return Object.values(data).some((value) => addsNestedRecords(value, depth + 1));
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// The client options that shape Coupa's answer: `return_object` and `fields`.

/** `returnType`/`fields` as client options; `default` sends no `return_object`. @internal */
export function responseOptions(shape: {
  readonly returnType: ActionReturnType;
  readonly fields?: CoupaReadOptions['fields'];
}): CoupaWriteOptions {
  return {
    ...(shape.returnType === 'default' ? {} : { returnObject: shape.returnType as ReturnObject }),
    ...(shape.fields ? { fields: shape.fields } : {}),
  };
}
