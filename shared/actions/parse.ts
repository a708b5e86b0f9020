import { catalog, type CatalogObject, fillPath, findObject, type SpecialAction } from '../catalog';
import { CoupaValidationError, type FieldSpec } from '../coupa';
import { sizeProblems } from './limits';
import {
  attachSchema,
  checkFilters,
  checkQuery,
  type Envelope,
  envelopeSchema,
  nestedFilters,
  Problems,
  requestSchema,
  show,
  withCustomFields,
} from './schema';
import { collectionPath, createOnPath, createViaParent, naturalKeyQuery, type PathUse, requestPath } from './targets';
import type { ActionRequest, ActionReturnType, ParsedAction, ParsedAttach, ParsedRequest } from './types';

// Validation of action inputs, in three passes that each report every problem they find:
// 1. size and JSON shape (limits.ts), 2. the zod schemas plus what only needs the object and the
// action (capabilities, which fields the action takes, required fields), 3. what needs typed values
// (natural keys, parents, filters, custom fields). Nothing here calls Coupa.

/** The reply `mark_exported` asks for unless told otherwise: small (coupa-api.md §3). */
const MARK_EXPORTED_FIELDS: FieldSpec = ['id', 'exported', 'last-exported-at'];

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
  const raw = input as Record<string, unknown>;
  if (name === 'request') return parseRequest(raw, problems);
  if (name === 'attach') return parseAttach(raw, problems);
  return parseObjectAction(name, raw, problems);
}

function parseAttach(raw: Record<string, unknown>, problems: Problems): ParsedAttach {
  const parsed = attachSchema.safeParse(raw);
  if (!parsed.success) problems.addZod(parsed.error.issues);
  const object = typeof raw.object === 'string' && raw.object.trim() !== '' ? findObject(raw.object) : undefined;
  if (typeof raw.object === 'string' && raw.object.trim() !== '' && !object) {
    problems.add(`object ${show(raw.object)} is not in the catalog; known objects: ${catalog.map((o) => o.key).join(', ')}`);
  }
  if (object && !object.attachments) {
    problems.add(
      `${object.key} take no attachments; objects that do: ${catalog
        .filter((o) => o.attachments)
        .map((o) => o.key)
        .join(', ')}`,
    );
  }
  problems.throwIfAny('attach');
  const { id, file, filename, contentType, intent, idempotencyKey } = parsed.data!;
  const attachments = object!.attachments!;
  return {
    kind: 'attach',
    object: object!.key,
    path: fillPath(attachments.path, { [attachments.param]: id }).slice(1),
    id,
    file,
    ...(filename ? { filename } : {}),
    ...(contentType ? { contentType } : {}),
    ...(intent ? { intent } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
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
      result = object.createVia
        ? createViaParent(object, env, data!, common, problems)
        : createOnPath(pathFor('create'), data!, common, problems);
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

// Action names: the built-in ones, and an object's special actions from the catalog. Built-ins win;
// `mark_exported` is the export flag where the object has one, else the object's own special action
// of that name (integration history records have one).

/** The actions every object has (as its capabilities allow), plus `request`, and `attach` for objects that take attachments. */
export const BUILTIN_ACTIONS = ['get', 'query', 'create', 'update', 'mark_exported', 'request', 'attach'] as const;

/** What an action name means for one object. */
export type ResolvedAction =
  | { readonly kind: 'get' | 'query' | 'create' | 'update' | 'mark_exported' }
  | { readonly kind: 'special'; readonly action: SpecialAction };

/** `Mark-Exported ` → `mark_exported`; undefined for anything that cannot be an action name. */
export function normaliseActionName(action: unknown): string | undefined {
  if (typeof action !== 'string') return undefined;
  const name = action.trim().toLowerCase().replace(/-/g, '_');
  return /^[a-z][a-z0-9_]{0,99}$/.test(name) ? name : undefined;
}

/** The meaning of `name` for `object`, or undefined when the object has no such action. */
export function resolveAction(object: CatalogObject, name: string): ResolvedAction | undefined {
  const special = object.actions.find((a) => a.name === name);
  switch (name) {
    case 'get':
    case 'query':
    case 'create':
    case 'update':
      return { kind: name };
    case 'mark_exported':
      if (object.exportFlag) return { kind: 'mark_exported' };
      return special ? { kind: 'special', action: special } : undefined;
    default:
      return special ? { kind: 'special', action: special } : undefined;
  }
}

/** The special action names of an object, for messages: `submit, void, abandon`. */
export const specialActionNames = (object: CatalogObject): string => object.actions.map((a) => a.name).join(', ');

/** Why `name` is no action of `object`, with what it has instead. */
export function unknownActionProblem(object: CatalogObject, name: string): string {
  if (name === 'mark_exported') {
    return `${object.key} has no export flag, so mark_exported does not apply (objects with one: ${catalog
      .filter((o) => o.exportFlag)
      .map((o) => o.key)
      .join(', ')})`;
  }
  const specials = object.actions.length ? `; its special actions: ${specialActionNames(object)}` : '; it has no special actions';
  return `unknown action "${name}" for ${object.key}: the actions are get, query, create, update${object.exportFlag ? ', mark_exported' : ''} and request${specials}`;
}

// Pass 2 of validation: what only needs the object and the action, checked on the raw input so that
// these problems show up together with type problems: capabilities, which fields the action takes,
// required fields, returnType, special actions' id/data/params, query filters.

type Kind = ResolvedAction['kind'];

/** Which input fields each kind of action takes. */
export const FIELDS: Readonly<Record<Kind, readonly string[]>> = {
  get: ['object', 'id', 'naturalKey', 'returnType', 'fields', 'parent', 'idempotencyKey'],
  query: ['object', 'query', 'returnType', 'fields', 'parent', 'idempotencyKey'],
  create: ['object', 'data', 'returnType', 'fields', 'parent', 'idempotencyKey'],
  update: ['object', 'id', 'data', 'returnType', 'fields', 'parent', 'idempotencyKey'],
  mark_exported: ['object', 'id', 'returnType', 'fields', 'idempotencyKey'],
  special: ['object', 'id', 'data', 'params', 'returnType', 'fields', 'parent', 'idempotencyKey'],
};
const ENVELOPE_FIELDS: ReadonlySet<string> = new Set(Object.values(FIELDS).flat());

/** Reports what is wrong with `raw` for `resolved` on `object`. @internal */
export function checkShape(
  object: CatalogObject,
  name: string,
  resolved: ResolvedAction,
  raw: Record<string, unknown>,
  problems: Problems,
): void {
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
  if (!writes && raw.returnType === 'none')
    problems.add(`returnType "none" is for writes; ${name} returns records (use "limited" for ids only)`);
  if (raw.returnType === 'none' && has('fields'))
    problems.add('fields cannot be combined with returnType "none" (which asks Coupa for an empty answer)');
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
      if (isPlainObject(raw.query) && isPlainObject(raw.query.filters))
        checkFilters(nestedFilters(raw.query.filters, 'query.filters', problems), problems);
      break;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function checkSpecialShape(object: CatalogObject, action: SpecialAction, has: (key: string) => boolean, problems: Problems): void {
  const label = `${object.key} ${action.name}`;
  if (action.on === 'member' && !has('id')) problems.add(`id is required: ${label} acts on one record`);
  if (action.on === 'collection' && has('id')) problems.add(`id cannot be used: ${label} acts on the collection, not on one record`);
  if (action.on === 'collection' && has('parent')) problems.add(`parent cannot be used: ${label} acts on the object's own collection`);
  if (has('data') && !action.body)
    problems.add(`data cannot be used: ${label} takes no body (use the request action for calls the catalog does not describe)`);
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

function checkParamNames(
  object: CatalogObject,
  action: SpecialAction,
  params: Readonly<Record<string, unknown>>,
  problems: Problems,
): void {
  const known = action.queryParams ?? [];
  if (known.length === 0) return; // reported as "params cannot be used"
  for (const key of Object.keys(params)) {
    if (!known.includes(key))
      problems.add(`params.${key} is not a parameter of ${object.key} ${action.name} (it takes ${known.join(', ')})`);
  }
}

function naturalKeyHint(object: CatalogObject): string {
  if (object.naturalKeys.length === 0) return `${object.key} has none`;
  return object.naturalKeys.map((k) => `{${k.map((a) => `"${a}": …`).join(', ')}}`).join(' or ');
}

/**
 * Whether a parsed action changes Coupa, i.e. is made idempotent by its `idempotencyKey`: create,
 * update, mark_exported, attach, special actions other than GET, and `request` with any method but GET.
 */
export function writesCoupa(parsed: ParsedAction): boolean {
  switch (parsed.kind) {
    case 'get':
    case 'query':
      return false;
    case 'request':
    case 'special':
      return parsed.method !== 'GET';
    default:
      return true;
  }
}

/**
 * Splits the action function's event (what a Step Functions task, or any direct invoke, sends) into
 * action and input; a malformed event fails with `Coupa.Validation`. Either flat, `{ "action": "update",
 * "object": "suppliers", "id": 12, "data": {…}, "idempotencyKey": "…" }`, or nested, `{ "action":
 * "update", "input": { "object": "suppliers", … } }` (for state machines that keep the input apart).
 * The input fields are the action core's: object, id, data, query, returnType, fields, idempotencyKey,
 * parent, naturalKey, params.
 */
export function actionRequestOf(event: unknown): ActionRequest {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new CoupaValidationError(
      'The event must be a JSON object: {"action": "get", "object": "suppliers", "id": 12} or {"action": …, "input": {…}}',
    );
  }
  const { action, ...rest } = event as Record<string, unknown>;
  if (typeof action !== 'string' || action.trim() === '') {
    throw new CoupaValidationError(
      'The event needs "action": create, update, get, query, request, mark_exported or a special action such as submit or approve',
    );
  }
  const nested = rest.input;
  if (rest.object === undefined && typeof nested === 'object' && nested !== null && !Array.isArray(nested)) {
    const extra = Object.keys(rest).filter((k) => k !== 'input');
    if (extra.length > 0) {
      throw new CoupaValidationError(
        `With "input", the event holds only "action" and "input"; move ${extra.map((k) => `"${k}"`).join(', ')} into "input"`,
      );
    }
    return { action, input: nested as Record<string, unknown> };
  }
  return { action, input: rest };
}
