// Regenerates shared/events/schemas/*.json from the catalog: `npm run schemas`.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { catalog } from '../catalog';
import { allDetailSchemas } from './schema';

const dir = path.join(__dirname, 'schemas');
mkdirSync(dir, { recursive: true });
for (const old of readdirSync(dir).filter((f) => f.endsWith('.json'))) rmSync(path.join(dir, old));
const files = allDetailSchemas(catalog);
for (const [name, schema] of files) writeFileSync(path.join(dir, name), `${JSON.stringify(schema, null, 2)}\n`);
process.stdout.write(`Wrote ${files.size} schemas to ${path.relative(process.cwd(), dir)}\n`);
