// `npm run bench:query`: peak RSS of one large `query` action (ActionRunner, claim check included)
// against the Coupa simulator, in a fresh process running an esbuild bundle as Lambda would. Prints
// figures, not pass/fail.
//   npm run bench:query -- [--records 10000] [--limit 10000] [--object invoices]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bundleForNode, firstLine, TSX } from './processes';

async function main() {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '10000' },
      limit: { type: 'string', default: '10000' },
      object: { type: 'string', default: 'invoices' },
    },
  });
  const outfile = bundleForNode('query-run.ts');
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
