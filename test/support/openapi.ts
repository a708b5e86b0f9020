import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Coupa's R39 OpenAPI 2.0 files (six of them, 4 MB), merged into one view of `paths` and `definitions`.
 * The files live in `shared/coupa-openapi-r39/` beside the repository (`../shared` from the repo root);
 * `COUPA_OPENAPI_DIR` overrides the location.
 */

/** The subset of a Swagger 2.0 schema object that Coupa's files use. */
export interface Schema {
  readonly type?: string;
  readonly format?: string;
  readonly description?: string;
  readonly readOnly?: boolean;
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly $ref?: string;
  readonly [key: string]: unknown;
}

export interface OpenApi {
  /** Path template (relative to `/api`, e.g. `/invoices/{id}`) → lower-case verb → operation. */
  readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly definitions: Readonly<Record<string, Schema>>;
  /** True when the files declare `method` on `path`; placeholder names need not match (`{id}` ≈ `{supplier_id}`). */
  hasOperation(method: string, path: string): boolean;
  /** The definition a `$ref` (`#/definitions/InvoiceHeader`) points to; throws on an unknown ref. */
  resolveRef(ref: string): { readonly name: string; readonly schema: Schema };
}

const DIR_NAME = 'coupa-openapi-r39';
let cached: OpenApi | undefined;

/** Loads (once per process) and merges the six files. */
export function loadOpenApi(): OpenApi {
  cached ??= buildOpenApi(readSpecFiles(findOpenApiDir()));
  return cached;
}

/** `#/definitions/InvoiceHeader` → `InvoiceHeader`. */
export function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** Where the files are: `COUPA_OPENAPI_DIR`, else the first `shared/coupa-openapi-r39` above this file. */
export function findOpenApiDir(): string {
  const fromEnv = process.env.COUPA_OPENAPI_DIR;
  if (fromEnv) return path.resolve(fromEnv);
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', DIR_NAME);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`Cannot find shared/${DIR_NAME} above ${__dirname}; set COUPA_OPENAPI_DIR`);
}

interface SpecFile {
  readonly paths?: Record<string, Record<string, unknown>>;
  readonly definitions?: Record<string, Schema>;
}

function readSpecFiles(dir: string): SpecFile[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new Error(`No OpenAPI files in ${dir}`);
  return files.map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as SpecFile);
}

const placeholderFree = (p: string): string => p.replace(/\{[^}]*\}/g, '{}');

function buildOpenApi(files: readonly SpecFile[]): OpenApi {
  const paths: Record<string, Record<string, unknown>> = {};
  const definitions: Record<string, Schema> = {};
  for (const file of files) {
    // The same path can appear in two files (different verbs); verbs are merged.
    for (const [p, verbs] of Object.entries(file.paths ?? {})) paths[p] = { ...paths[p], ...verbs };
    Object.assign(definitions, file.definitions);
  }
  const normalised = new Map<string, Set<string>>();
  for (const [p, verbs] of Object.entries(paths)) {
    const key = placeholderFree(p);
    const set = normalised.get(key) ?? new Set<string>();
    for (const verb of Object.keys(verbs)) set.add(verb.toLowerCase());
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
