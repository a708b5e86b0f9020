import type { HttpVerb } from '../catalog';
import { loadOpenApi } from '../openapi';
import type { ModelRegistry, ObjectModel } from './model';

/**
 * The API's routes, derived from the catalog (paths, nested paths, special actions) united with what
 * Coupa's OpenAPI files declare (so `POST /approvals` exists although the connector never sends it).
 */

export interface RouteScope {
  readonly parentKey: string;
  readonly parentId: number;
}

export type RouteMatch =
  | { readonly kind: 'collection'; readonly key: string; readonly verbs: ReadonlySet<string>; readonly scope?: RouteScope }
  | { readonly kind: 'member'; readonly key: string; readonly id: number; readonly verbs: ReadonlySet<string>; readonly scope?: RouteScope }
  | {
      readonly kind: 'member-action';
      readonly key: string;
      readonly id: number;
      readonly action: string;
      readonly verbs: ReadonlySet<string>;
      readonly scope?: RouteScope;
    }
  | { readonly kind: 'collection-action'; readonly key: string; readonly action: string; readonly verbs: ReadonlySet<string> };

interface CollectionRoute {
  readonly key: string;
  readonly template: string;
  readonly segments: readonly string[];
  /** Placeholder name → parent catalog key. */
  readonly parentKey?: string;
  readonly collectionVerbs: ReadonlySet<string>;
  readonly memberVerbs: ReadonlySet<string>;
  readonly memberActions: ReadonlyMap<string, ReadonlySet<string>>;
  readonly collectionActions: ReadonlyMap<string, ReadonlySet<string>>;
}

const VERBS: readonly HttpVerb[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export class Router {
  private readonly routes: CollectionRoute[] = [];

  constructor(models: ModelRegistry) {
    for (const model of models.all()) this.addObject(model);
    // Longest templates first: `/suppliers/{supplier_id}/addresses` before `/suppliers` + member action.
    this.routes.sort((a, b) => b.segments.length - a.segments.length);
  }

  /** The route for an API path (without `/api`), or undefined. */
  match(path: string): RouteMatch | undefined {
    let parts: string[];
    try {
      parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return undefined; // malformed %-escapes: no such route
    }
    for (const route of this.routes) {
      if (parts.length < route.segments.length) continue;
      let parentId: number | undefined;
      let ok = true;
      for (let i = 0; i < route.segments.length && ok; i++) {
        const seg = route.segments[i]!;
        if (seg.startsWith('{')) {
          parentId = Number(parts[i]);
          ok = /^\d+$/.test(parts[i]!);
        } else ok = seg === parts[i];
      }
      if (!ok) continue;
      const scope = route.parentKey && parentId !== undefined ? { parentKey: route.parentKey, parentId } : undefined;
      const rest = parts.slice(route.segments.length);
      const withScope = scope ? { scope } : {};
      if (rest.length === 0) return { kind: 'collection', key: route.key, verbs: route.collectionVerbs, ...withScope };
      const isId = /^\d+$/.test(rest[0]!);
      if (rest.length === 1 && isId) return { kind: 'member', key: route.key, id: Number(rest[0]), verbs: route.memberVerbs, ...withScope };
      if (rest.length === 1 && !scope) {
        const verbs = route.collectionActions.get(rest[0]!);
        if (verbs) return { kind: 'collection-action', key: route.key, action: rest[0]!, verbs };
      }
      if (rest.length === 2 && isId) {
        const verbs = route.memberActions.get(rest[1]!);
        if (verbs) return { kind: 'member-action', key: route.key, id: Number(rest[0]), action: rest[1]!, verbs, ...withScope };
      }
    }
    return undefined;
  }

  private addObject(model: ObjectModel): void {
    const o = model.catalog;
    const spec = loadOpenApi();
    const specVerbs = (p: string) => VERBS.filter((v) => spec.hasOperation(v, p));
    const primaryCollection = new Set<string>(['GET', ...specVerbs(o.path)]);
    if (o.capabilities.create && !o.createVia) primaryCollection.add('POST');
    const primaryMember = new Set<string>(['GET', ...specVerbs(`${o.path}/{id}`)]);
    if (o.capabilities.update || o.exportFlag) for (const v of ['PUT', 'PATCH']) primaryMember.add(v);
    if (primaryMember.has('PUT')) primaryMember.add('PATCH'); // the spec lists PATCH as the same action

    const memberActions = new Map<string, Set<string>>();
    const collectionActions = new Map<string, Set<string>>();
    const addAction = (map: Map<string, Set<string>>, name: string, verbs: Iterable<string>) => {
      const set = map.get(name) ?? new Set<string>();
      for (const v of verbs) set.add(v);
      if (set.has('PUT')) set.add('PATCH');
      map.set(name, set);
    };
    for (const a of o.actions) addAction(a.on === 'member' ? memberActions : collectionActions, a.name, [a.method]);
    // Further actions the files declare on this resource: `/invoices/{id}/flip_to_advance_ship_notice`.
    const base = o.path.replace(/\{[^}]*\}/g, '{}');
    for (const [p, ops] of Object.entries(spec.paths)) {
      const norm = p.replace(/\{[^}]*\}/g, '{}');
      const member = norm.startsWith(`${base}/{}/`) ? norm.slice(base.length + 4) : undefined;
      const collection = !member && norm.startsWith(`${base}/`) ? norm.slice(base.length + 1) : undefined;
      const verbs = ops.map((v) => v.toUpperCase());
      if (member && /^\w+$/.test(member)) addAction(memberActions, member, verbs);
      else if (collection && /^\w+$/.test(collection)) addAction(collectionActions, collection, verbs);
    }

    this.add(model.key, o.path, o.parentParam?.parent, primaryCollection, primaryMember, memberActions, collectionActions);
    for (const nested of o.nestedPaths) {
      const member = new Set<string>(nested.memberVerbs);
      if (member.has('PUT')) member.add('PATCH');
      this.add(model.key, nested.path, nested.parent, new Set(nested.collectionVerbs), member, memberActions, new Map());
    }
  }

  private add(
    key: string,
    template: string,
    parentKey: string | undefined,
    collectionVerbs: Set<string>,
    memberVerbs: Set<string>,
    memberActions: Map<string, Set<string>>,
    collectionActions: Map<string, Set<string>>,
  ): void {
    this.routes.push({
      key,
      template,
      segments: template.split('/').filter(Boolean),
      ...(parentKey ? { parentKey } : {}),
      collectionVerbs,
      memberVerbs,
      memberActions,
      collectionActions,
    });
  }
}
