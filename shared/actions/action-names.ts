// Action names: the built-in ones, and an object's special actions from the catalog. Built-ins win;
// `mark_exported` is the export flag where the object has one, else the object's own special action
// of that name (integration history records have one).
import { catalog, type CatalogObject, type SpecialAction } from '../catalog';

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
