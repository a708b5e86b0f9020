// create, update, mark_exported and special actions: one Coupa request each, except creates through
// an embedding parent (purchase order lines), which add the line to the parent and then read it.
import type { CoupaRecord, FieldSpec } from '../coupa';
import { idOf } from './read-actions';
import { addsNestedRecords } from './resend-safety';
import { responseOptions } from './response-options';
import type { ActionDeps, ActionResult, ParsedCreate, ParsedMarkExported, ParsedSpecialAction, ParsedUpdate } from './types';

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
