import { type CatalogObject, fillPath, findObject, type HttpVerb } from '../catalog';
import type { Condition, CoupaQuery } from '../coupa';
import { type Envelope, type Problems, show } from './schema';
import type { ParentRef, ParsedCreate } from './types';

// Which collection path an action uses: the object's own path, or a nested path under a parent the
// caller names with `parent: {supplier_id: 12}` (required for objects Coupa serves only under a
// parent, such as remit-to addresses). Verbs are checked against what the catalog declares for the path.

/** What the path is for: list/create on the collection, get/update on a member, or a special action. */
export type PathUse = 'list' | 'get' | 'create' | 'update' | 'action';

const VERB: Record<PathUse, { readonly verb: HttpVerb; readonly on: 'collection' | 'member' }> = {
  list: { verb: 'GET', on: 'collection' },
  create: { verb: 'POST', on: 'collection' },
  get: { verb: 'GET', on: 'member' },
  update: { verb: 'PUT', on: 'member' },
  action: { verb: 'PUT', on: 'member' },
};

/** Every `parent` an object accepts: `supplier_id` (suppliers), … */
export function parentParamsOf(object: CatalogObject): { param: string; parent: string }[] {
  return [...(object.parentParam ? [object.parentParam] : []), ...object.nestedPaths.map((n) => ({ param: n.param, parent: n.parent }))];
}

const example = (p: { param: string; parent: string }) => `{"${p.param}": <id of one of ${p.parent}>}`;

/**
 * The collection path below `/api` (no leading slash) for `use`, with the parent filled in, or
 * undefined after reporting the problem.
 *
 * @internal
 */
export function collectionPath(
  object: CatalogObject,
  parent: Readonly<Record<string, number>> | undefined,
  use: PathUse,
  problems: Problems,
): { path: string; parent?: ParentRef } | undefined {
  const options = parentParamsOf(object);
  if (parent === undefined) {
    if (!object.parentParam) return { path: strip(object.path) };
    problems.add(`parent is required: Coupa serves ${object.key} only under a parent; give ${options.map(example).join(' or ')}`);
    return undefined;
  }
  const entries = Object.entries(parent);
  if (entries.length !== 1) {
    problems.add(
      `parent must name exactly one parent, e.g. ${options.length ? options.map(example).join(' or ') : '{"supplier_id": 12}'}; got ${entries.length}`,
    );
    return undefined;
  }
  const [given, id] = entries[0]!;
  const param = given.trim().replace(/-/g, '_');
  if (object.parentParam?.param === param) return { path: strip(fillPath(object.path, { [param]: id })), parent: { param, id } };
  const nested = object.nestedPaths.find((n) => n.param === param);
  if (!nested) {
    problems.add(
      options.length === 0
        ? `parent cannot be used: ${object.key} has no paths under a parent; filter with query conditions instead`
        : `parent ${show(given)} is not a parent of ${object.key}; it takes ${options.map(example).join(' or ')}`,
    );
    return undefined;
  }
  const { verb, on } = VERB[use];
  const verbs = on === 'collection' ? nested.collectionVerbs : nested.memberVerbs;
  if (use === 'action' || !verbs.includes(verb)) {
    problems.add(`parent cannot be used for this action: Coupa's path ${nested.path} does not take it; leave parent out`);
    return undefined;
  }
  return { path: strip(fillPath(nested.path, { [param]: id })), parent: { param, id } };
}

const strip = (path: string) => path.replace(/^\/+/, '');

// A get by natural key: `{"po-number":"PO-1"}` or `{"invoice-number":"INV-1","supplier.name":"Acme"}`
// becomes an exact-match list query (`po_number=PO-1`, `supplier[name]=Acme`). The attributes must be
// exactly one of the catalog's natural keys for the object, so the query can match at most one record
// (runAction still checks: 0 matches → Coupa.NotFound, more than one → Coupa.Conflict).

/** `supplier[name]`, `supplier.name`, `supplier_name`… → the catalog's form: `supplier.name`, dashed. */
const canonical = (attribute: string): string =>
  attribute
    .trim()
    .replace(/\[([^\]]*)\]/g, '.$1')
    .replace(/_/g, '-')
    .toLowerCase();

const describe = (key: readonly string[]) => `{${key.map((a) => JSON.stringify(a)).join(', ')}}`;

/**
 * The normalised natural key and its exact-match filters, or undefined after reporting why not.
 *
 * @internal
 */
export function naturalKeyQuery(
  object: CatalogObject,
  given: Readonly<Record<string, string | number>>,
  problems: Problems,
): { naturalKey: Record<string, string | number>; filters: CoupaQuery } | undefined {
  if (object.naturalKeys.length === 0) {
    problems.add(
      `naturalKey cannot be used: ${object.key} has no natural key in the catalog; get the record by id or with the query action`,
    );
    return undefined;
  }
  const naturalKey: Record<string, string | number> = {};
  for (const [attribute, value] of Object.entries(given)) {
    if ((typeof value === 'string' && value.trim() === '') || (typeof value === 'number' && !Number.isFinite(value))) {
      problems.add(`naturalKey["${attribute}"] must be a non-empty string or a number`);
      return undefined;
    }
    naturalKey[canonical(attribute)] = value;
  }
  const names = Object.keys(naturalKey).sort();
  const match = object.naturalKeys.find((key) => key.length === names.length && [...key].sort().every((a, i) => a === names[i]));
  if (!match) {
    const options = object.naturalKeys.map(describe).join(' or ');
    problems.add(
      `naturalKey must give exactly the attributes of one natural key of ${object.key}: ${options}; got ${describe(Object.keys(given))}`,
    );
    return undefined;
  }
  const filters: Record<string, Condition> = {};
  for (const attribute of match) {
    // Underscored names, as Coupa's query docs write them; associations nest: supplier[name].
    const segments = attribute.split('.').map((s) => s.replace(/-/g, '_'));
    let level = filters;
    for (const segment of segments.slice(0, -1)) {
      level[segment] ??= {};
      level = level[segment] as Record<string, Condition>;
    }
    level[segments[segments.length - 1]!] = naturalKey[attribute]!;
  }
  return { naturalKey, filters };
}

// Where a create goes: the object's (or a nested) collection path, or, for objects Coupa creates
// inside an embedding parent (purchase order lines), the parent record.

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

// The path of a custom `request`, confined to the configured Coupa host's /api/. The client resolves
// the result against `{host}/api/`, so anything that could leave that prefix is refused here: URLs,
// `//host`, `..` (also percent-encoded), backslashes, control characters.

const MAX_PATH_CHARS = 2048;
/** What Coupa resource paths are made of (as the client checks them). */
const SEGMENT = /^[A-Za-z0-9_.~-]+$/;

/**
 * The path below `/api/` (no leading slash), or the reason it is refused.
 *
 * @example
 * requestPath('invoices/5/retrieve_image_scan') // → { path: 'invoices/5/retrieve_image_scan' }
 * requestPath('/api/suppliers/12')               // → { path: 'suppliers/12' }
 * requestPath('../oauth2/token')                 // → { problem: '... ".." ...' }
 * @internal
 */
export function requestPath(raw: string): { path: string } | { problem: string } {
  const refuse = (why: string) => ({
    problem: `must be a path under /api/ of the configured Coupa host (e.g. "invoices/5/retrieve_image_scan" or "/api/invoices/5"): ${why}`,
  });
  if (raw.length > MAX_PATH_CHARS) return refuse(`it is longer than ${MAX_PATH_CHARS} characters`);
  if (/[\p{Cc}\s]/u.test(raw)) return refuse('it holds whitespace or control characters');
  if (raw.includes('\\')) return refuse('it holds a backslash');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(raw)) return refuse('absolute URLs are not allowed; the request always goes to the configured host');
  if (raw.includes('//')) return refuse('"//" is not allowed (it can name another host)');
  if (/[?#]/.test(raw)) return refuse('put query parameters in "query", not in the path');
  if (raw.includes('%')) return refuse('percent-encoded characters are not allowed (they can hide "../"); Coupa paths do not need them');
  let rest: string;
  if (raw.startsWith('/')) {
    if (!raw.startsWith('/api/')) return refuse('a path starting with "/" must start with "/api/"');
    rest = raw.slice('/api/'.length);
  } else rest = raw.startsWith('api/') ? raw.slice('api/'.length) : raw;
  rest = rest.replace(/\/$/, '');
  if (rest === '') return refuse('it names no resource');
  for (const segment of rest.split('/')) {
    if (segment === '.' || segment === '..') return refuse('"." and ".." segments are not allowed');
    if (!SEGMENT.test(segment)) return refuse(`segment ${JSON.stringify(segment.slice(0, 40))} holds characters Coupa paths do not use`);
  }
  return { path: rest };
}
