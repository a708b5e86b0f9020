// What the benches share about their child processes. A measured run is an esbuild bundle in a fresh
// `node` (as Lambda runs one: tsx would add its own compiler's time and memory), and reports one JSON
// line on stdout; simulators run under tsx.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { buildSync } from 'esbuild';

export const TSX = path.resolve(__dirname, '../../node_modules/.bin/tsx');

/** `entry` (a file in test/bench) bundled for node20 as CommonJS, in a fresh temporary directory. */
export function bundleForNode(entry: string, options: { readonly minify?: boolean } = {}): string {
  const outfile = path.join(mkdtempSync(path.join(tmpdir(), 'coupa-bench-')), `${path.basename(entry, '.ts')}.cjs`);
  buildSync({
    entryPoints: [path.join(__dirname, entry)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: options.minify ?? false,
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** The child's first stdout line; rejects if it exits first (its stderr is inherited, so the cause shows). */
export async function firstLine(child: ChildProcess, what: string): Promise<string> {
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
