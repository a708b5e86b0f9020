/**
 * Derives what the project needs from Coupa's R39 OpenAPI files into `shared/openapi/coupa-r39.json`.
 *
 * The six files (4 MB) are reading material beside the repository (`../shared/coupa-openapi-r39`); nothing
 * the project runs, tests or ships reads them. This script keeps, for each path, its verbs, and for each
 * definition reachable from the catalog, the property facts the simulator, the catalog checks and the event
 * schemas use (type, format, enum, readOnly, $ref, items, required). Descriptions are dropped, except the
 * hint on untyped polymorphic associations ("Can be one of multiple objects: User, ...").
 *
 *   npx tsx scripts/derive-openapi.ts [--from DIR]      (default: ../shared/coupa-openapi-r39)
 *
 * Run it when Coupa publishes new files; commit the result. `--check` exits 1 when the committed file
 * differs from what the files give.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { catalog } from '../shared/catalog';

interface RawSchema {
  type?: string;
  format?: string;
  description?: string;
  readOnly?: boolean;
  enum?: unknown[];
  properties?: Record<string, RawSchema>;
  required?: string[];
  items?: RawSchema;
  $ref?: string;
}
interface RawFile {
  paths?: Record<string, Record<string, unknown>>;
  definitions?: Record<string, RawSchema>;
}

const repoRoot = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const fromIndex = args.indexOf('--from');
const from = path.resolve(fromIndex >= 0 ? args[fromIndex + 1]! : path.join(repoRoot, '..', 'shared', 'coupa-openapi-r39'));
const out = path.join(repoRoot, 'shared', 'openapi', 'coupa-r39.json');

const files = readdirSync(from)
  .filter((f) => f.endsWith('.json'))
  .sort();
if (files.length === 0) throw new Error(`No OpenAPI files in ${from}`);
const paths: Record<string, Set<string>> = {};
const definitions: Record<string, RawSchema> = {};
for (const name of files) {
  const file = JSON.parse(readFileSync(path.join(from, name), 'utf8')) as RawFile;
  // The same path can appear in two files (different verbs): merge the verbs.
  for (const [p, verbs] of Object.entries(file.paths ?? {})) {
    paths[p] ??= new Set();
    const set = paths[p];
    for (const v of Object.keys(verbs)) if (/^(get|put|post|patch|delete)$/i.test(v)) set.add(v.toLowerCase());
  }
  Object.assign(definitions, file.definitions);
}

const refName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);
const POLYMORPHIC = /objects?: User\b/;

function slimProperty(schema: RawSchema): RawSchema {
  const slim: RawSchema = {};
  if (schema.$ref) slim.$ref = schema.$ref;
  if (schema.type) slim.type = schema.type;
  if (typeof schema.format === 'string') slim.format = schema.format;
  if (schema.readOnly === true) slim.readOnly = true;
  if (schema.enum?.length) slim.enum = schema.enum;
  if (schema.items) slim.items = slimProperty(schema.items);
  if (!schema.type && !schema.$ref && POLYMORPHIC.test(schema.description ?? '')) slim.description = schema.description!;
  return slim;
}

// Definitions reachable from the catalog's, through $ref and items.$ref.
const kept: Record<string, RawSchema> = {};
const queue = catalog.map((o) => o.definition);
queue.push('UserSimple'); // the simulator renders polymorphic associations as users
while (queue.length > 0) {
  const name = queue.shift()!;
  if (kept[name]) continue;
  const def = definitions[name];
  if (!def) throw new Error(`The catalog names ${name}, which the OpenAPI files do not define`);
  const properties: Record<string, RawSchema> = {};
  for (const [prop, schema] of Object.entries(def.properties ?? {})) {
    properties[prop] = slimProperty(schema);
    for (const ref of [schema.$ref, schema.items?.$ref]) if (ref) queue.push(refName(ref));
  }
  kept[name] = { ...(def.type ? { type: def.type } : {}), properties, ...(def.required?.length ? { required: def.required } : {}) };
}

const sorted = <T>(record: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const derived = {
  source: `Coupa R39 OpenAPI (${files.join(', ')}), derived by scripts/derive-openapi.ts`,
  paths: sorted(Object.fromEntries(Object.entries(paths).map(([p, verbs]) => [p, [...verbs].sort()]))),
  definitions: sorted(kept),
};
// One line per path and per definition: small, and a new Coupa release shows as a readable diff.
const lines = (record: Record<string, unknown>): string =>
  Object.entries(record)
    .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(',\n');
const text = `{\n "source": ${JSON.stringify(derived.source)},\n "paths": {\n${lines(derived.paths)}\n },\n "definitions": {\n${lines(derived.definitions)}\n }\n}\n`;
if (args.includes('--check')) {
  const committed = readFileSync(out, 'utf8');
  if (committed !== text) {
    console.error(`${path.relative(repoRoot, out)} is not what ${from} gives: run npx tsx scripts/derive-openapi.ts`);
    process.exit(1);
  }
  console.log(`${path.relative(repoRoot, out)} is up to date`);
} else {
  writeFileSync(out, text);
  console.log(
    `wrote ${path.relative(repoRoot, out)}: ${Object.keys(derived.paths).length} paths, ${Object.keys(kept).length} definitions, ${text.length} bytes`,
  );
}
