// Which collection path an action uses: the object's own path, or a nested path under a parent the
// caller names with `parent: {supplier_id: 12}` (required for objects Coupa serves only under a
// parent, such as remit-to addresses). Verbs are checked against what the catalog declares for the path.
import { fillPath, type CatalogObject, type HttpVerb } from '../catalog';
import { type Problems, show } from './problems';
import type { ParentRef } from './types';

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
