// Validation of action inputs, in three passes that each report every problem they find:
// 1. size and JSON shape (limits.ts), 2. the zod schemas plus what only needs the object and the
// action (capabilities, which fields the action takes, required fields), 3. what needs typed values
// (natural keys, parents, filters, custom fields). Nothing here calls Coupa.
import { catalog, fillPath, findObject, type CatalogObject } from '../catalog';
import { CoupaValidationError, type FieldSpec } from '../coupa';
import { normaliseActionName, resolveAction, unknownActionProblem, type ResolvedAction } from './action-names';
import { checkShape, FIELDS } from './action-shape';
import { createOnPath, createViaParent } from './create-target';
import { withCustomFields } from './custom-fields';
import { nestedFilters } from './filters';
import { attachSchema, envelopeSchema, requestSchema, type Envelope } from './input-schema';
import { sizeProblems } from './limits';
import { naturalKeyQuery } from './natural-key';
import { collectionPath, type PathUse } from './object-paths';
import { Problems, show } from './problems';
import { checkQuery } from './query-checks';
import { requestPath } from './request-path';
import type { ActionReturnType, ParsedAction, ParsedAttach, ParsedRequest } from './types';

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
