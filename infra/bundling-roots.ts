// Where NodejsFunction finds the handler sources and a lock file, in both layouts the construct runs
// in: this repository (infra/ from source, dist/infra/ compiled, package-lock.json at the root) and
// an installed package (node_modules/coupa-connector). npm never packs a lock file, so an installed
// copy bundles against the lock file of the app that installed it (a workspace root in a monorepo).
import fs from 'node:fs';
import path from 'node:path';

/** The lock files NodejsFunction knows how to use. */
const LOCK_FILES = ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb'] as const;

export interface BundlingRoots {
  /** The nearest directory at or above the package with a lock file: esbuild's working directory. */
  readonly projectRoot: string;
  readonly depsLockFilePath: string;
}

function findUp<T>(start: string, probe: (dir: string) => T | undefined): T | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const found = probe(dir);
    if (found !== undefined) return found;
    if (path.dirname(dir) === dir) return undefined;
  }
}

const fileIn = (dir: string, name: string): string | undefined => {
  const file = path.join(dir, name);
  return fs.existsSync(file) ? file : undefined;
};

/** The package's root: the nearest package.json above this file (dist/ has none). */
export const PACKAGE_ROOT: string =
  findUp(__dirname, (dir) => (fileIn(dir, 'package.json') === undefined ? undefined : dir)) ?? path.join(__dirname, '..');

/** The handler sources that NodejsFunction bundles, e.g. `functions/poller.ts`. */
export const handlerEntry = (handlerFile: string, packageRoot: string = PACKAGE_ROOT): string =>
  path.join(packageRoot, 'functions', handlerFile);

/** Throws when no lock file is found: NodejsFunction cannot bundle without one. */
export function bundlingRoots(packageRoot: string = PACKAGE_ROOT): BundlingRoots {
  const depsLockFilePath = findUp(packageRoot, (dir) => LOCK_FILES.map((name) => fileIn(dir, name)).find((file) => file !== undefined));
  if (depsLockFilePath === undefined) {
    throw new Error(
      `coupa-connector: no lock file (${LOCK_FILES.join(', ')}) in ${packageRoot} or any directory above it. ` +
        'The Lambda handlers are bundled against the lock file of the app that installs this package: install it with npm, pnpm, yarn or bun first.',
    );
  }
  return { projectRoot: path.dirname(depsLockFilePath), depsLockFilePath };
}
