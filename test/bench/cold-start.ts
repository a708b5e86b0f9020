// `npm run bench -- --cold-start`: every handler's bundle, built as the construct builds it (esbuild
// with infra/HandlerFunction.ts's HANDLER_BUNDLING: ESM, minified, the runtime's SDK left external),
// timed importing in fresh `node` processes against the floor: a bundle of one AWS SDK client alone,
// built the same way. Runs are interleaved (floor, poller, action, …, floor, …) so machine load
// touches all alike; the figure is the median. `--synth-dir cdk.out` also times the bundles a
// `cdk synth` produced (every asset.*/index.mjs). Prints figures, not pass/fail.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { HANDLER_BUNDLING } from '../../infra/HandlerFunction';
import { PACKAGE_ROOT } from '../../infra/bundling-roots';

/** Placeholder configuration each handler validates at import (none of it is contacted). */
const COMMON = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'cold-start',
  AWS_SECRET_ACCESS_KEY: 'cold-start',
  POWERTOOLS_LOG_LEVEL: 'WARN',
  TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:coupa-token-abc123',
  TOKEN_REFRESH_FUNCTION: 'coupa-token-refresh',
  INSTANCE: 'acme',
};
const HANDLERS: Record<string, Record<string, string>> = {
  poller: {
    ...COMMON,
    OBJECT: 'invoices',
    EVENT_BUS_NAME: 'coupa',
    CHECKPOINT_TABLE: 'checkpoints',
    PAYLOAD_BUCKET: 'payloads',
    DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq',
    LAG_SECONDS: '120',
    RETURN_TYPE: 'default',
  },
  action: { ...COMMON, IDEMPOTENCY_TABLE: 'idempotency', PAYLOAD_BUCKET: 'payloads' },
  command: { ...COMMON, IDEMPOTENCY_TABLE: 'idempotency', PAYLOAD_BUCKET: 'payloads', EVENT_BUS_NAME: 'coupa' },
  'token-refresh': { ...COMMON, CREDENTIALS_SECRET_ARN: COMMON.TOKEN_SECRET_ARN, TOKEN_LEASE_TABLE: 'lease' },
};
const FLOOR = 'floor (one SDK client)';
const FLOOR_SOURCE = "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const client = new DynamoDBClient({});\n";

/**
 * Where bundles go: inside node_modules, so the external `@aws-sdk/*` imports resolve to this
 * repository's copies, as they resolve to the runtime's on Lambda.
 */
const OUT_DIR = path.join(PACKAGE_ROOT, 'node_modules', '.cache', 'coupa-cold-start');

function bundle(name: string, entry: string): string {
  const outfile = path.join(OUT_DIR, name.replace(/\W+/g, '-'), 'index.mjs');
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: HANDLER_BUNDLING.target,
    minify: HANDLER_BUNDLING.minify,
    sourcemap: HANDLER_BUNDLING.sourceMap,
    mainFields: [...HANDLER_BUNDLING.mainFields],
    banner: { js: HANDLER_BUNDLING.banner },
    external: [...HANDLER_BUNDLING.externalModules],
    logLevel: 'error',
  });
  return outfile;
}

/** One import in a fresh process, timed inside it (process start-up itself is the same for all). */
function importMs(file: string, env: Record<string, string>): number {
  const script = 'const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));';
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script, file], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`importing ${file} failed: ${out.stderr}`);
  return Number(out.stdout);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function measure(bundles: { name: string; file: string; env: Record<string, string> }[], runs: number): void {
  const times = new Map(bundles.map((b) => [b.name, [] as number[]]));
  for (let i = 0; i < runs; i++) for (const b of bundles) times.get(b.name)!.push(importMs(b.file, b.env));
  const floor = median(times.get(FLOOR)!);
  console.log(`${'bundle'.padEnd(34)}${'KB'.padStart(8)}${'import ms'.padStart(12)}${'× floor'.padStart(10)}  target`);
  for (const b of bundles) {
    const ms = median(times.get(b.name)!);
    const kb = statSync(b.file).size / 1024;
    console.log(
      `${b.name.padEnd(34)}${kb.toFixed(0).padStart(8)}${ms.toFixed(1).padStart(12)}${(ms / floor).toFixed(2).padStart(10)}  ${b.name === FLOOR ? '' : '≤ 2.50'}`,
    );
  }
  console.log(`(median of ${runs} fresh node processes each, interleaved)`);
}

/** Which handler a synthesized bundle is, by the logger service name it sets. */
function handlerOf(code: string): string {
  return ['coupa-token-refresh', 'coupa-poller', 'coupa-command', 'coupa-action'].find((name) => code.includes(`"${name}"`)) ?? 'unknown';
}

/** The synthesized handler bundles (index.mjs of each asset), each with an environment every handler accepts. */
function synthesizedBundles(dir: string): { name: string; file: string; env: Record<string, string> }[] {
  const all = { ...Object.values(HANDLERS).reduce((a, b) => ({ ...a, ...b }), {}), EVENT_BUS_NAME: 'coupa' };
  return readdirSync(dir)
    .filter((d) => d.startsWith('asset.') && existsSync(path.join(dir, d, 'index.mjs')))
    .map((d) => {
      // Copied beside the other bundles, so `@aws-sdk/*` resolves as it does on Lambda.
      const file = path.join(OUT_DIR, d, 'index.mjs');
      mkdirSync(path.dirname(file), { recursive: true });
      copyFileSync(path.join(dir, d, 'index.mjs'), file);
      return { name: `synth ${handlerOf(readFileSync(file, 'utf8'))} ${d.slice(6, 14)}`, file, env: all };
    });
}

export async function coldStartBench(options: { runs?: number; synthDir?: string } = {}): Promise<void> {
  const runs = options.runs ?? 9;
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const floorEntry = path.join(OUT_DIR, 'floor-entry.mjs');
  writeFileSync(floorEntry, FLOOR_SOURCE);
  const bundles = [
    { name: FLOOR, file: bundle('floor', floorEntry), env: COMMON },
    ...Object.entries(HANDLERS).map(([name, env]) => ({
      name,
      file: bundle(name, path.join(PACKAGE_ROOT, 'functions', `${name}.ts`)),
      env,
    })),
  ];
  console.log('handler bundles as the construct builds them');
  measure(bundles, runs);
  if (options.synthDir) {
    const synthesized = synthesizedBundles(options.synthDir);
    if (synthesized.length === 0) throw new Error(`no asset.*/index.mjs under ${options.synthDir}: run npm run synth first`);
    console.log(`\nbundles synthesized in ${options.synthDir}`);
    measure([bundles[0]!, ...synthesized], runs);
  }
}
