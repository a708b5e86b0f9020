// Where a create goes: the object's (or a nested) collection path, or, for objects Coupa creates
// inside an embedding parent (purchase order lines), the parent record.
import { findObject, type CatalogObject } from '../catalog';
import type { Envelope } from './input-schema';
import type { collectionPath } from './object-paths';
import { show, type Problems } from './problems';
import type { ParsedCreate } from './types';

export type Common = Pick<ParsedCreate, 'object' | 'returnType' | 'fields' | 'idempotencyKey'>;

/** A create on a collection path. @internal */
export function createOnPath(
  at: ReturnType<typeof collectionPath>,
  data: Record<string, unknown>,
  common: Common,
  problems: Problems,
): ParsedCreate | undefined {
  rejectDataId(data, problems);
  return at ? { kind: 'create', ...common, ...at, data } : undefined;
}

/**
 * Objects created through an embedding parent (purchase order lines): the parent's id comes from
 * `parent: {purchase_order_id}` (or `{order_header_id}`) or from the line's own `order-header-id`.
 *
 * @internal
 */
export function createViaParent(
  object: CatalogObject,
  env: Envelope,
  data: Record<string, unknown>,
  common: Common,
  problems: Problems,
): ParsedCreate | undefined {
  const via = object.createVia!;
  const idField = via.parentIdField; // order-header-id
  const params = [`${via.parent.replace(/s$/, '')}_id`, idField.replace(/-/g, '_')];
  rejectDataId(data, problems);
  const fromParent = env.parent ? Object.entries(env.parent) : [];
  if (fromParent.length > 1 || fromParent.some(([p]) => !params.includes(p.replace(/-/g, '_')))) {
    problems.add(`parent must be {"${params[0]}": <id>} (the ${via.parent} record the new line is added to)`);
    return undefined;
  }
  const inData = [idField, idField.replace(/-/g, '_')].map((k) => data[k]).find((v) => v !== undefined);
  const dataId = typeof inData === 'string' && /^\d+$/.test(inData) ? Number(inData) : inData;
  if (inData !== undefined && (!Number.isSafeInteger(dataId) || (dataId as number) < 1)) {
    problems.add(`data["${idField}"] must be the positive id of the ${via.parent} record, got ${show(inData)}`);
    return undefined;
  }
  const parentId = fromParent[0]?.[1];
  if (parentId !== undefined && dataId !== undefined && parentId !== dataId) {
    problems.add(`parent.${fromParent[0]![0]} (${parentId}) and data["${idField}"] (${String(dataId)}) name different ${via.parent}`);
    return undefined;
  }
  const id = (parentId ?? dataId) as number | undefined;
  if (id === undefined) {
    problems.add(
      `parent is required: ${object.key} are created inside their ${via.parent} record; give parent {"${params[0]}": <id>} or data["${idField}"]`,
    );
    return undefined;
  }
  const line = { ...data };
  delete line[idField];
  delete line[idField.replace(/-/g, '_')];
  const parentObject = findObject(via.parent)!;
  return {
    kind: 'create',
    ...common,
    path: object.path.replace(/^\/+/, ''),
    parent: { param: params[0]!, id },
    data: line,
    via: { object: parentObject.key, path: parentObject.path.replace(/^\/+/, ''), id, field: via.field },
  };
}

function rejectDataId(data: Record<string, unknown>, problems: Problems): void {
  if (Object.keys(data).length === 0) problems.add('data is empty: give the new record’s fields');
  if (data.id !== undefined) problems.add('data.id cannot be set on create: Coupa assigns ids (use update to change an existing record)');
}
