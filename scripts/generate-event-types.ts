// Writes shared/events/generated/{types,zod}.ts from the record shapes: run by `npm run schemas`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventTypesSource, eventZodSource } from '../shared/events/codegen';

const dir = path.join(__dirname, '..', 'shared', 'events', 'generated');
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'types.ts'), eventTypesSource());
writeFileSync(path.join(dir, 'zod.ts'), eventZodSource());
process.stdout.write(`Wrote ${path.relative(process.cwd(), dir)}/types.ts and zod.ts\n`);
