#!/usr/bin/env node
// The package's `bin`: runs the TypeScript CLI through tsx, so no build step is needed.
import { createRequire } from 'node:module';
import { register } from 'tsx/cjs/api';

register();
const require = createRequire(import.meta.url);
const { runCli } = require('./main.ts');
process.exitCode = await runCli(process.argv.slice(2));
