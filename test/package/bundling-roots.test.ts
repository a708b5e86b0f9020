// Where the Lambda handlers are bundled from: this repository's own lock file, or, once installed,
// the lock file of the app that installed the package (npm never packs one).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundlingRoots, handlerEntry, PACKAGE_ROOT } from '../../infra/bundling-roots';

const REPO = path.join(__dirname, '..', '..');
let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bundling-roots-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const touch = (file: string): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '{}');
};

test('in this repository: the repository root, its package-lock.json and its functions/', () => {
  expect(PACKAGE_ROOT).toBe(REPO);
  expect(bundlingRoots()).toEqual({ projectRoot: REPO, depsLockFilePath: path.join(REPO, 'package-lock.json') });
  expect(fs.existsSync(handlerEntry('poller.ts'))).toBe(true);
});

test('installed: the consuming app above node_modules, with whichever lock file its package manager wrote', () => {
  const installed = path.join(tmp, 'app', 'node_modules', 'coupa-connector');
  touch(path.join(installed, 'package.json'));
  touch(path.join(tmp, 'app', 'pnpm-lock.yaml'));
  expect(bundlingRoots(installed)).toEqual({
    projectRoot: path.join(tmp, 'app'),
    depsLockFilePath: path.join(tmp, 'app', 'pnpm-lock.yaml'),
  });
  expect(handlerEntry('action.ts', installed)).toBe(path.join(installed, 'functions', 'action.ts'));
});

test('a monorepo: the nearest lock file up the tree, the workspace root', () => {
  const installed = path.join(tmp, 'repo', 'packages', 'infra', 'node_modules', 'coupa-connector');
  touch(path.join(installed, 'package.json'));
  touch(path.join(tmp, 'repo', 'package-lock.json'));
  expect(bundlingRoots(installed).projectRoot).toBe(path.join(tmp, 'repo'));
});

test('no lock file anywhere above: a clear error instead of NodejsFunction guessing from the working directory', () => {
  const installed = path.join(tmp, 'node_modules', 'coupa-connector');
  touch(path.join(installed, 'package.json'));
  if (lockFileAbove(tmp)) {
    // The machine's temp dir sits under a project: then that project is where it bundles.
    expect(tmp.startsWith(bundlingRoots(installed).projectRoot)).toBe(true);
  } else {
    expect(() => bundlingRoots(installed)).toThrow(/no lock file .* in .*coupa-connector or any directory above it/);
  }
});

function lockFileAbove(dir: string): boolean {
  const locks = ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb'];
  for (let d = dir; ; d = path.dirname(d)) {
    if (locks.some((name) => fs.existsSync(path.join(d, name)))) return true;
    if (path.dirname(d) === d) return false;
  }
}
