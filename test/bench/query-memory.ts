// `npm run bench:query`: peak RSS of one large `query` action (ActionRunner, claim check included)
// against the Coupa simulator, in a fresh process running an esbuild bundle as Lambda would. Prints
// figures, not pass/fail.
//   npm run bench:query -- [--records 10000] [--limit 10000] [--object invoices]
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { buildSync } from 'esbuild';

const TSX = path.resolve(__dirname, '../../node_modules/.bin/tsx');

async function firstLine(child: ChildProcess, what: string): Promise<string> {
  const lines = readline.createInterface({ input: child.stdout! });
  try {
    return await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`${what} exited with code ${code} before reporting`)));
    });
  } finally {
    lines.close();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '10000' },
      limit: { type: 'string', default: '10000' },
      object: { type: 'string', default: 'invoices' },
    },
  });
  const outfile = path.join(mkdtempSync(path.join(tmpdir(), 'coupa-query-bench-')), 'query-run.cjs');
  buildSync({
    entryPoints: [path.join(__dirname, 'query-run.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'error',
  });
  const sim = spawn(TSX, [path.join(__dirname, 'bench-simulator.ts'), '--records', values.records, '--object', values.object, '--ties'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const { baseUrl } = JSON.parse(await firstLine(sim, 'bench simulator')) as { baseUrl: string };
    const run = spawn(process.execPath, [outfile, '--url', baseUrl, '--object', values.object, '--limit', values.limit], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(run, 'exit');
    const figures = JSON.parse(await firstLine(run, 'query run')) as Record<string, number | boolean | undefined>;
    await exited;
    console.log(`query ${values.object} limit ${values.limit} (${values.records} records in the simulator)`);
    for (const [name, value] of Object.entries(figures))
      console.log(`${name.padEnd(16)}${String(typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(1) : value)}`);
  } finally {
    sim.kill();
  }
}

void main().catch((error: unknown) => {
  console.error(String(error));
  process.exitCode = 1;
});
