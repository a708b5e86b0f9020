// Validation of action inputs, in three passes that each report every problem they find:
// 1. size and JSON shape (limits.ts), 2. the zod schemas plus what only needs the object and the
// action (capabilities, which fields the action takes, required fields), 3. what needs typed values
// (natural keys, parents, filters, custom fields). Nothing here calls Coupa.
import { catalog, findObject, type CatalogObject, type SpecialAction } from '../catalog';
import { buildQuery, CoupaValidationError, type CoupaQuery, type FieldSpec } from '../coupa';
import { normaliseActionName, resolveAction, specialActionNames, unknownActionProblem, type ResolvedAction } from './action-names';
import { withCustomFields } from './custom-fields';
import { nestedFilters } from './filters';
import { envelopeSchema, requestSchema, type Envelope } from './input-schema';
import { sizeProblems } from './limits';
import { naturalKeyQuery } from './natural-key';
import { collectionPath, type PathUse } from './object-paths';
import { Problems, show } from './problems';
import { requestPath } from './request-path';
import type { ParsedAction, ParsedCreate, ParsedRequest, ActionReturnType } from './types';

type Kind = ResolvedAction['kind'];

/** Which input fields each kind of action takes. */
const FIELDS: Readonly<Record<Kind, readonly string[]>> = {
  get: ['object', 'id', 'naturalKey', 'returnType', 'fields', 'parent', 'idempotencyKey'],
  query: ['object', 'query', 'returnType', 'fields', 'parent', 'idempotencyKey'],
  create: ['object', 'data', 'returnType', 'fields', 'parent', 'idempotencyKey'],
  update: ['object', 'id', 'data', 'returnType', 'fields', 'parent', 'idempotencyKey'],
  mark_exported: ['object', 'id', 'returnType', 'fields', 'idempotencyKey'],
  special: ['object', 'id', 'data', 'params', 'returnType', 'fields', 'parent', 'idempotencyKey'],
};
const ENVELOPE_FIELDS: ReadonlySet<string> = new Set(Object.values(FIELDS).flat());
/** The reply `mark_exported` asks for unless told otherwise: small (coupa-api.md §3). */
const MARK_EXPORTED_FIELDS: FieldSpec = ['id', 'exported', 'last-exported-at'];
/** Query parameters that are not conditions: they have their own input fields. */
const PAGING_PARAMETERS: ReadonlyMap<string, string> = new Map([
  ['limit', 'query.limit'],
  ['offset', 'query.offset'],
  ['order_by', 'query.orderBy'],
  ['dir', 'query.dir'],
  ['return_object', 'returnType'],
  ['fields', 'fields'],
  ['filter', 'the request action'],
]);

/**
 * Validates an action input without calling Coupa and returns it normalised: catalog key, collection
 * path with the parent filled in, custom fields under `custom-fields`, fields list parsed, defaults
 * applied (`returnType: "default"`, `query.limit: 50`).
 *
 * @param action - `get`, `query`, `create`, `update`, `mark_exported`, `request`, or a special action
 *   of the object (`submit`, `approve`…).
 * @param input - the caller's input, straight from JSON.
 * @throws {CoupaValidationError} naming every problem found, each with the field it is about.
 * @example
 * parseActionInput('get', { object: 'suppliers', id: 12, returnType: 'shallow' })
 * // → { kind: 'get', object: 'suppliers', path: 'suppliers', id: 12, returnType: 'shallow' }
 */
export function parseActionInput(action: string, input: unknown): ParsedAction {
  const name = normaliseActionName(action);
  if (name === undefined) {
    throw new CoupaValidationError(
      `Invalid action ${show(action)}: give an action name such as get, query, create, update, mark_exported, request or a special action of the object (submit, approve, …)`,
    );
  }
  const problems = new Problems();
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problems.add(`the input must be a JSON object such as {"object":"suppliers","id":1}; got ${show(input)}`);
    problems.throwIfAny(name);
  }
  for (const problem of sizeProblems(input)) problems.add(problem);
  problems.throwIfAny(name);
  return name === 'request' ? parseRequest(input as Record<string, unknown>, problems) : parseObjectAction(name, input as Record<string, unknown>, problems);
}

function parseRequest(raw: Record<string, unknown>, problems: Problems): ParsedRequest {
  const parsed = requestSchema.safeParse(raw);
  if (!parsed.success) {
    problems.addZod(parsed.error.issues);
    problems.throwIfAny('request');
  }
  const { method, path: rawPath, query: rawQuery, body, idempotencyKey } = parsed.data!;
  const checked = requestPath(rawPath);
  if ('problem' in checked) problems.add(`path ${checked.problem}`);
  const query = rawQuery ? nestedFilters(rawQuery, 'query', problems) : undefined;
  if (query) checkQuery(query, 'query', problems);
  if (body !== undefined && method === 'GET') problems.add('body cannot be sent with GET; use query for parameters');
  problems.throwIfAny('request');
  return {
    kind: 'request',
    method,
    path: (checked as { path: string }).path,
    ...(query ? { query } : {}),
    ...(body === undefined ? {} : { body }),
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
}

function parseObjectAction(name: string, raw: Record<string, unknown>, problems: Problems): ParsedAction {
  const parsed = envelopeSchema.safeParse(raw);
  const object = typeof raw.object === 'string' && raw.object.trim() !== '' ? findObject(raw.object) : undefined;
  if (typeof raw.object === 'string' && raw.object.trim() !== '' && !object) {
    problems.add(`object ${show(raw.object)} is not in the catalog; known objects: ${catalog.map((o) => o.key).join(', ')}`);
  }
  if (raw.object === undefined) problems.add('object is required: a catalog key such as "invoices"');
  const resolved = object ? resolveAction(object, name) : undefined;
  if (object && !resolved) problems.add(unknownActionProblem(object, name));
  if (object && resolved) checkShape(object, name, resolved, raw, problems);
  if (!parsed.success) {
    // Fields the action does not take are reported as such above, whatever their type.
    const allowed = resolved ? FIELDS[resolved.kind] : undefined;
    const relevant = parsed.error.issues.filter((i) => i.path[0] !== 'object' || raw.object !== undefined);
    problems.addZod(allowed ? relevant.filter((i) => i.path.length === 0 || allowed.includes(String(i.path[0]))) : relevant);
  }
  problems.throwIfAny(name);
  return buildParsed(object!, name, resolved!, parsed.data!, problems);
}

/** Pass 2: capabilities, the fields the action takes, required fields, returnType. */
function checkShape(object: CatalogObject, name: string, resolved: ResolvedAction, raw: Record<string, unknown>, problems: Problems): void {
  const allowed = FIELDS[resolved.kind];
  for (const key of Object.keys(raw)) {
    if (allowed.includes(key)) continue;
    problems.add(
      ENVELOPE_FIELDS.has(key)
        ? `${key} is not used by the ${name} action (it takes ${allowed.join(', ')})`
        : `unknown field ${show(key)} (the ${name} action takes ${allowed.join(', ')})`,
    );
  }
  const capabilityProblem = missingCapability(object, resolved);
  if (capabilityProblem) problems.add(capabilityProblem);
  const has = (key: string) => raw[key] !== undefined;
  const writes = resolved.kind !== 'get' && resolved.kind !== 'query';
  if (!writes && raw.returnType === 'none') problems.add(`returnType "none" is for writes; ${name} returns records (use "limited" for ids only)`);
  if (raw.returnType === 'none' && has('fields')) problems.add('fields cannot be combined with returnType "none" (which asks Coupa for an empty answer)');
  switch (resolved.kind) {
    case 'get':
      if (has('id') && has('naturalKey')) problems.add('give either id or naturalKey, not both');
      if (!has('id') && !has('naturalKey')) problems.add(`id is required (or naturalKey: ${naturalKeyHint(object)})`);
      break;
    case 'update':
      if (!has('id')) problems.add(`id is required: the id of the ${object.title.toLowerCase()} to update`);
      if (!has('data')) problems.add('data is required: the fields to change (only those)');
      break;
    case 'create':
      if (!has('data')) problems.add(`data is required: the new ${object.title.toLowerCase()}'s fields`);
      break;
    case 'mark_exported':
      if (!has('id')) problems.add(`id is required: the id of the ${object.title.toLowerCase()} to mark exported`);
      break;
    case 'special':
      checkSpecialShape(object, resolved.action, has, problems);
      if (isPlainObject(raw.params)) checkParamNames(object, resolved.action, raw.params, problems);
      break;
    case 'query':
      // Checked here, on the raw value, so filter mistakes show up together with type mistakes.
      if (isPlainObject(raw.query) && isPlainObject(raw.query.filters)) checkFilters(nestedFilters(raw.query.filters, 'query.filters', problems), problems);
      break;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function checkSpecialShape(object: CatalogObject, action: SpecialAction, has: (key: string) => boolean, problems: Problems): void {
  const label = `${object.key} ${action.name}`;
  if (action.on === 'member' && !has('id')) problems.add(`id is required: ${label} acts on one record`);
  if (action.on === 'collection' && has('id')) problems.add(`id cannot be used: ${label} acts on the collection, not on one record`);
  if (action.on === 'collection' && has('parent')) problems.add(`parent cannot be used: ${label} acts on the object's own collection`);
  if (has('data') && !action.body) problems.add(`data cannot be used: ${label} takes no body (use the request action for calls the catalog does not describe)`);
  if (has('params') && !action.queryParams?.length) problems.add(`params cannot be used: ${label} takes no query parameters`);
}

function missingCapability(object: CatalogObject, resolved: ResolvedAction): string | undefined {
  const can = object.capabilities;
  const instead = object.actions.length ? `; its special actions: ${specialActionNames(object)}` : '';
  switch (resolved.kind) {
    case 'get':
    case 'query':
      return can.query || can.trigger ? undefined : `${object.key} cannot be read through the connector`;
    case 'create':
      return can.create ? undefined : `${object.key} cannot be created through the connector (the catalog does not allow it)${instead}`;
    case 'update':
      if (can.update) return undefined;
      if (object.createVia) {
        return `${object.key} cannot be updated directly: Coupa edits them through their ${object.createVia.parent} record. Update ${object.createVia.parent} with data {"${object.createVia.field}": [{"id": <line id>, ...changes}]}${instead}`;
      }
      return `${object.key} cannot be updated through the connector (the catalog does not allow it)${instead}`;
    default:
      return undefined;
  }
}

/** Pass 3: typed values; builds the parsed action. */
function buildParsed(object: CatalogObject, name: string, resolved: ResolvedAction, env: Envelope, problems: Problems): ParsedAction {
  const common = {
    object: object.key,
    returnType: (env.returnType ?? 'default') as ActionReturnType,
    ...(env.fields ? { fields: env.fields } : {}),
    ...(env.idempotencyKey ? { idempotencyKey: env.idempotencyKey } : {}),
  };
  const pathFor = (use: PathUse) => collectionPath(object, env.parent, use, problems);
  const data = env.data === undefined ? undefined : withCustomFields(env.data, 'data', problems);
  let result: ParsedAction | undefined;
  switch (resolved.kind) {
    case 'get': {
      const at = pathFor('get');
      const byKey = env.naturalKey ? naturalKeyQuery(object, env.naturalKey, problems) : undefined;
      if (at) result = { kind: 'get', ...common, ...at, ...(env.id ? { id: env.id } : {}), ...(byKey ?? {}) };
      break;
    }
    case 'query': {
      const at = pathFor('list');
      const query = env.query ?? { limit: undefined, offset: undefined };
      const filters = nestedFilters(env.query?.filters ?? {}, 'query.filters', problems);
      if (at) {
        result = {
          kind: 'query',
          ...common,
          ...at,
          filters,
          limit: query.limit ?? 50,
          offset: query.offset ?? 0,
          ...(env.query?.orderBy ? { orderBy: env.query.orderBy } : {}),
          ...(env.query?.dir ? { dir: env.query.dir } : {}),
        };
      }
      break;
    }
    case 'create':
      result = object.createVia ? createViaParent(object, env, data!, common, problems) : createOnPath(pathFor('create'), data!, common, problems);
      break;
    case 'update': {
      const at = pathFor('update');
      if (data && Object.keys(data).length === 0) problems.add('data is empty: give the fields to change');
      if (at && data) result = { kind: 'update', ...common, ...at, id: env.id!, data };
      break;
    }
    case 'mark_exported': {
      const at = pathFor('action');
      // Unless the caller shapes the reply, ask for a small one: the flag is all that changed.
      const fields = env.fields ?? (env.returnType === undefined ? MARK_EXPORTED_FIELDS : undefined);
      if (at) result = { kind: 'mark_exported', ...common, ...(fields ? { fields } : {}), ...at, id: env.id! };
      break;
    }
    case 'special': {
      const { action } = resolved;
      const at = action.on === 'member' ? pathFor('action') : collectionPath(object, undefined, 'action', problems);
      for (const [key, value] of Object.entries(env.params ?? {})) checkQuery({ [key]: value }, `params.${key}`, problems);
      if (at) {
        result = {
          kind: 'special',
          ...common,
          path: at.path,
          action: action.name,
          method: action.method,
          id: action.on === 'member' ? env.id! : null,
          ...(data ? { data } : {}),
          ...(env.params ? { params: env.params } : {}),
        };
      }
      break;
    }
  }
  problems.throwIfAny(name);
  return result!;
}

type Common = Pick<ParsedCreate, 'object' | 'returnType' | 'fields' | 'idempotencyKey'>;

function createOnPath(at: ReturnType<typeof collectionPath>, data: Record<string, unknown>, common: Common, problems: Problems): ParsedCreate | undefined {
  rejectDataId(data, problems);
  return at ? { kind: 'create', ...common, ...at, data } : undefined;
}

/**
 * Objects created through an embedding parent (purchase order lines): the parent's id comes from
 * `parent: {purchase_order_id}` (or `{order_header_id}`) or from the line's own `order-header-id`.
 */
function createViaParent(object: CatalogObject, env: Envelope, data: Record<string, unknown>, common: Common, problems: Problems): ParsedCreate | undefined {
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
    problems.add(`parent is required: ${object.key} are created inside their ${via.parent} record; give parent {"${params[0]}": <id>} or data["${idField}"]`);
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

function checkFilters(filters: CoupaQuery, problems: Problems): void {
  for (const key of Object.keys(filters)) {
    const instead = PAGING_PARAMETERS.get(key);
    if (instead) problems.add(`query.filters.${key} is not a condition: use ${instead}`);
  }
  checkQuery(filters, 'query.filters', problems);
}

/** Runs the client's own query checks (operators, value types, names) now, so nothing bad leaves. */
function checkQuery(query: Record<string, unknown>, where: string, problems: Problems): void {
  try {
    buildQuery(query as CoupaQuery);
  } catch (error) {
    problems.add(`${where}: ${(error as Error).message.replace(/^Invalid Coupa query: /, '')}`);
  }
}

function checkParamNames(object: CatalogObject, action: SpecialAction, params: Readonly<Record<string, unknown>>, problems: Problems): void {
  const known = action.queryParams ?? [];
  if (known.length === 0) return; // reported as "params cannot be used"
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) problems.add(`params.${key} is not a parameter of ${object.key} ${action.name} (it takes ${known.join(', ')})`);
  }
}

function naturalKeyHint(object: CatalogObject): string {
  if (object.naturalKeys.length === 0) return `${object.key} has none`;
  return object.naturalKeys.map((k) => `{${k.map((a) => `"${a}": …`).join(', ')}}`).join(' or ');
}
