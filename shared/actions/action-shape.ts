// Pass 2 of validation: what only needs the object and the action, checked on the raw input so that
// these problems show up together with type problems: capabilities, which fields the action takes,
// required fields, returnType, special actions' id/data/params, query filters.
import type { CatalogObject, SpecialAction } from '../catalog';
import { specialActionNames, type ResolvedAction } from './action-names';
import { nestedFilters } from './filters';
import { show, type Problems } from './problems';
import { checkFilters } from './query-checks';

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
