import type { CatalogObject, HttpVerb } from './types';

/** One HTTP operation the connector may send for an object. */
export interface Operation {
  readonly method: HttpVerb;
  /** Path template relative to `/api`, e.g. `/invoices/{id}/submit`. */
  readonly path: string;
  /** What uses it: `list`, `get`, `create`, `update`, `action:submit`, `export`. */
  readonly use: string;
}

/** The member path of a collection path: `/invoices` → `/invoices/{id}`. */
export const memberPath = (collectionPath: string): string => `${collectionPath}/{id}`;

/**
 * Every operation the catalog lets the connector send for `object`, derived from its capabilities,
 * actions and paths. The catalog test checks each against Coupa's OpenAPI files; the pollers and
 * actions build their requests from the same data.
 */
export function operationsOf(object: CatalogObject): Operation[] {
  const ops: Operation[] = [];
  const member = memberPath(object.path);
  const { capabilities: can } = object;
  if (can.query || can.trigger) {
    ops.push({ method: 'GET', path: object.path, use: 'list' }, { method: 'GET', path: member, use: 'get' });
  }
  if (can.create && !object.createVia) ops.push({ method: 'POST', path: object.path, use: 'create' });
  if (can.update) ops.push({ method: 'PUT', path: member, use: 'update' });
  if (object.exportFlag) ops.push({ method: 'PUT', path: member, use: 'export' });
  for (const action of object.actions) {
    const base = action.on === 'member' ? member : object.path;
    ops.push({ method: action.method, path: `${base}/${action.name}`, use: `action:${action.name}` });
  }
  if (object.attachments) {
    ops.push(
      { method: 'GET', path: object.attachments.path, use: 'attachments' },
      { method: 'POST', path: object.attachments.path, use: 'attach' },
    );
  }
  for (const nested of object.nestedPaths) {
    for (const method of nested.collectionVerbs) ops.push({ method, path: nested.path, use: `nested:${nested.parent}` });
    for (const method of nested.memberVerbs) ops.push({ method, path: memberPath(nested.path), use: `nested:${nested.parent}` });
  }
  return ops;
}

/** Fills a path template: `fillPath('/suppliers/{supplier_id}/addresses/{id}', {supplier_id: 3, id: 9})`. */
export function fillPath(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new Error(`Path ${template} needs a value for ${name}`);
    return encodeURIComponent(String(value));
  });
}
