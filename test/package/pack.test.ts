// The construct as a package: `npm pack`, install the tarball into a scratch CDK app of its own, import
// `CoupaConnector` from 'coupa-connector' (CommonJS and ESM, with types), type-check it with tsc,
// synthesize it with real esbuild bundling of the handlers shipped in the package, and run the bin.
//
// Offline on a fresh machine after `npm ci`: the tarball is unpacked into the app's node_modules as
// npm would, and the packages it declares (dependencies and peers) plus the app's tools are linked from
// this repo's node_modules. `npm install --offline` would need registry metadata that `npm ci` never
// caches. Linking only what the package declares still catches a dependency it forgot to declare.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.join(__dirname, '..', '..');
const HANDLER_FILES = ['action.ts', 'command.ts', 'poller.ts', 'token-refresh.ts'];
/** What the scratch app itself uses besides coupa-connector. */
const APP_TOOLS = ['typescript', '@types/node'];

interface PackedFile {
  readonly path: string;
}
interface PackageJson {
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

let tmp: string;
let app: string;
let packedFiles: string[];

/** Runs a command to completion; a failure carries its output, so tsc's or esbuild's errors show. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${[command, ...args].join(' ')} failed in ${cwd}:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}

function link(name: string): void {
  const target = path.join(REPO, 'node_modules', name);
  if (!fs.existsSync(target)) throw new Error(`${name} is not installed in this repo: run npm ci`);
  const at = path.join(app, 'node_modules', name);
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.symlinkSync(target, at, 'dir');
}

/** `npm install <tarball>`, offline: unpack it and link what it declares (see the header). */
function installTarball(tarball: string): void {
  const modules = path.join(app, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', modules], app);
  fs.renameSync(path.join(modules, 'package'), path.join(modules, 'coupa-connector'));
  const pkg = JSON.parse(fs.readFileSync(path.join(modules, 'coupa-connector', 'package.json'), 'utf8')) as PackageJson;
  const names = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), ...APP_TOOLS]);
  for (const name of names) link(name);
  // npm links the bins of top-level packages; NodejsFunction runs `npx --no-install esbuild`.
  fs.mkdirSync(path.join(modules, '.bin'));
  fs.symlinkSync(path.join('..', 'esbuild', 'bin', 'esbuild'), path.join(modules, '.bin', 'esbuild'));
  // npm writes one; NodejsFunction needs it to find the app's root (npm never packs ours).
  fs.writeFileSync(
    path.join(app, 'package-lock.json'),
    JSON.stringify({ name: 'consumer-app', lockfileVersion: 3, requires: true, packages: {} }),
  );
}

const APP_TS = `import { App, Stack } from 'aws-cdk-lib';
import { CoupaConnector, type CoupaConnectorProps, type CoupaEventDetail } from 'coupa-connector';
import type { CoupaInvoiceUpdated, InvoiceRecord } from 'coupa-connector/events';

const props: CoupaConnectorProps = { instance: 'acme', host: 'https://acme.coupahost.com', pollers: [{ object: 'invoices' }] };
// @ts-expect-error the props are typed: no unknown keys
const typo: CoupaConnectorProps = { instance: 'acme', pollerz: [] };
// @ts-expect-error the props are typed: instance is a string
const wrong: CoupaConnectorProps = { instance: 42 };

// The generated event types: a default invoice record's invoice-number is a string.
type DefaultInvoice = Extract<CoupaInvoiceUpdated, { metadata: { returnType: 'default'; payload: 'inline' } }>['data'];
export const invoiceNumber: DefaultInvoice['invoice-number'] = 'INV-1';
// @ts-expect-error invoice-number is no number
export const wrongNumber: InvoiceRecord['invoice-number'] = 42;

export const recordIdOf = (detail: CoupaEventDetail): number =>
  'data' in detail ? detail.data.id : detail.metadata.recordId;

const app = new App();
const stack = new Stack(app, 'ConsumerStack');
const connector = new CoupaConnector(stack, 'Coupa', props);
export const busName: string = connector.eventBus.eventBusName;
void typo;
void wrong;
app.synth();
`;

const ESM_CHECK_MTS = `import { CoupaConnector, COMMAND_DETAIL_TYPE } from 'coupa-connector';
import { startSimulator, type SimulatorOptions } from 'coupa-connector/simulator';

const options: SimulatorOptions = { records: 1 };
const sim = await startSimulator(options);
console.log(JSON.stringify({ construct: typeof CoupaConnector, command: COMMAND_DETAIL_TYPE, simulator: sim.baseUrl }));
await sim.close();
`;

const TSCONFIG = {
  // What `cdk init app --language=typescript` generates, in short; skipLibCheck off so the package's
  // own declarations are checked too.
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022'],
    types: ['node'],
    strict: true,
    skipLibCheck: false,
  },
  files: ['app.ts', 'esm-check.mts'],
};

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'coupa-pack-'));
  app = path.join(tmp, 'app');
  fs.mkdirSync(app);
  // prepack builds dist/ first.
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp], REPO)) as {
    filename: string;
    files: PackedFile[];
  }[];
  packedFiles = packed.files.map((f) => f.path);
  installTarball(path.join(tmp, packed.filename));
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true }, null, 2));
  fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  fs.writeFileSync(path.join(app, 'app.ts'), APP_TS);
  fs.writeFileSync(path.join(app, 'esm-check.mts'), ESM_CHECK_MTS);
}, 300_000);

afterAll(() => {
  // KEEP_PACK_TMP=1 keeps the scratch app for a look after a failure.
  if (tmp && !process.env.KEEP_PACK_TMP) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the tarball holds the compiled construct and the handler sources, and no tests or local state', () => {
  expect(packedFiles).toEqual(
    expect.arrayContaining([
      'package.json',
      'README.md',
      'dist/infra/index.js',
      'dist/infra/index.d.ts',
      'dist/shared/simulator/index.d.ts',
      'dist/shared/events/generated/index.d.ts',
      'dist/shared/events/generated/zod.js',
      'functions/cli/bin.mjs',
      ...HANDLER_FILES.map((f) => `functions/${f}`),
    ]),
  );
  const stray = packedFiles.filter((f) =>
    /^(test|cdk\.out|\.local|\.ci|node_modules|scripts)\/|^package-lock\.json$|^tsconfig|\.test\.ts$/.test(f),
  );
  expect(stray).toEqual([]);
});

describe('in a CDK app that installed the tarball', () => {
  let outdir: string;

  beforeAll(() => {
    // Type errors, including an unused @ts-expect-error, fail here with tsc's output.
    run(process.execPath, [path.join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], app);
    outdir = path.join(tmp, 'cdk.out');
    // What `cdk synth` runs with cdk.json's app command (here the tsc output).
    run(process.execPath, ['app.js'], app, { CDK_OUTDIR: outdir });
  }, 300_000);

  test('tsc accepts the imports, types the props, and emits the app', () => {
    expect(fs.existsSync(path.join(app, 'app.js'))).toBe(true);
    expect(fs.existsSync(path.join(app, 'esm-check.mjs'))).toBe(true);
  });

  test('synth bundles every handler from node_modules/coupa-connector with esbuild into the Lambda assets', () => {
    const template = JSON.parse(fs.readFileSync(path.join(outdir, 'ConsumerStack.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: { Runtime?: string; Handler?: string; Code?: { S3Key?: unknown } } }>;
    };
    const functions = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Runtime === 'nodejs24.x',
    );
    expect(functions).toHaveLength(HANDLER_FILES.length);

    const bundledFrom = functions.map((fn) => {
      expect(fn.Properties.Handler).toBe('index.handler');
      const asset = path.join(outdir, `asset.${String(fn.Properties.Code?.S3Key).replace(/\.zip$/, '')}`);
      const code = fs.readFileSync(path.join(asset, 'index.mjs'), 'utf8');
      expect(code.length).toBeGreaterThan(10_000);
      expect(code).not.toMatch(/from ?["']\.\.?\//); // self-contained: no relative imports left
      const map = JSON.parse(fs.readFileSync(path.join(asset, 'index.mjs.map'), 'utf8')) as { sources: string[] };
      return map.sources
        .map((s) => s.replace(/\\/g, '/'))
        .filter((s) => /node_modules\/coupa-connector\/functions\/[^/]+\.ts$/.test(s))
        .map((s) => path.basename(s));
    });
    expect(bundledFrom.flat().sort()).toEqual(HANDLER_FILES);
  });

  test('an ES module imports the construct and the coupa-connector/simulator subpath', () => {
    const out = JSON.parse(run(process.execPath, ['esm-check.mjs'], app)) as Record<string, string>;
    expect(out).toEqual({
      construct: 'function',
      command: 'Coupa Command',
      simulator: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
  });

  test('the bin runs the CLI from the installed package', () => {
    const bin = path.join(app, 'node_modules', 'coupa-connector', 'functions', 'cli', 'bin.mjs');
    const objects = JSON.parse(run(process.execPath, [bin, 'objects', '--json'], app)) as { key: string }[];
    expect(objects.map((o) => o.key)).toEqual(expect.arrayContaining(['invoices', 'suppliers', 'remit_to_addresses']));
  });
});
