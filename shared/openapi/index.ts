import derived from './coupa-r39.json';

/**
 * What the project knows of Coupa's R39 OpenAPI files: each path's verbs and the definitions the catalog
 * reaches, derived into `coupa-r39.json` by `scripts/derive-openapi.ts` (the files themselves are not part
 * of the repository).
 */

/** The subset of a Swagger 2.0 schema object that the derived file keeps. */
export interface Schema {
  readonly type?: string;
  readonly format?: string;
  /** Kept only on untyped polymorphic associations ("Can be one of multiple objects: User, …"). */
  readonly description?: string;
  readonly readOnly?: boolean;
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly $ref?: string;
}

export interface OpenApi {
  /** Path template (relative to `/api`, e.g. `/invoices/{id}`) → its lower-case verbs. */
  readonly paths: Readonly<Record<string, readonly string[]>>;
  readonly definitions: Readonly<Record<string, Schema>>;
  /** True when the files declare `method` on `path`; placeholder names need not match (`{id}` ≈ `{supplier_id}`). */
  hasOperation(method: string, path: string): boolean;
  /** The definition a `$ref` (`#/definitions/InvoiceHeader`) points to; throws on an unknown ref. */
  resolveRef(ref: string): { readonly name: string; readonly schema: Schema };
}

let cached: OpenApi | undefined;

/** The derived view (built once per process). */
export function loadOpenApi(): OpenApi {
  cached ??= buildOpenApi(derived.paths, derived.definitions as Record<string, Schema>);
  return cached;
}

/** `#/definitions/InvoiceHeader` → `InvoiceHeader`. */
export function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

const placeholderFree = (p: string): string => p.replace(/\{[^}]*\}/g, '{}');

function buildOpenApi(paths: Record<string, readonly string[]>, definitions: Record<string, Schema>): OpenApi {
  const normalised = new Map<string, Set<string>>();
  for (const [p, verbs] of Object.entries(paths)) {
    const key = placeholderFree(p);
    const set = normalised.get(key) ?? new Set<string>();
    for (const verb of verbs) set.add(verb);
    normalised.set(key, set);
  }
  return {
    paths,
    definitions,
    hasOperation: (method, p) => normalised.get(placeholderFree(p.replace(/^\/api(?=\/)/, '')))?.has(method.toLowerCase()) ?? false,
    resolveRef: (ref) => {
      const name = refName(ref);
      const schema = definitions[name];
      if (!schema) throw new Error(`Unknown OpenAPI definition ${ref}`);
      return { name, schema };
    },
  };
}
