// The layout's rules (README "Development"), checked on every import: infra/ and functions/ depend on
// shared/, never on each other (the CLI aside, which is an app of its own); shipped code never imports
// test/; the core has no AWS SDK, Powertools or Lambda import outside shared/adapters/aws.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '../..');
const sources = (dir: string): string[] =>
  readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mts|mjs)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f));
const importsOf = (file: string): string[] =>
  [...readFileSync(path.join(root, file), 'utf8').matchAll(/(?:from|import\()\s*'([^']+)'/g)].map((m) => m[1]!);
/** Where a relative import lands, as a repository path. */
const target = (file: string, spec: string) => path.normalize(path.join(path.dirname(file), spec));

describe('dependency direction', () => {
  it('infra/ imports nothing from functions/', () => {
    const offending = sources('infra').flatMap((f) =>
      importsOf(f)
        .filter((s) => s.startsWith('.') && target(f, s).startsWith('functions'))
        .map((s) => `${f} → ${s}`),
    );
    expect(offending).toEqual([]);
  });

  it('Lambda handlers import nothing from infra/', () => {
    const handlers = sources('functions').filter((f) => !f.startsWith(path.join('functions', 'cli')));
    const offending = handlers.flatMap((f) =>
      importsOf(f)
        .filter((s) => s.startsWith('.') && target(f, s).startsWith('infra'))
        .map((s) => `${f} → ${s}`),
    );
    expect(offending).toEqual([]);
  });

  it('shipped code (shared/, functions/, infra/) imports nothing from test/', () => {
    const offending = ['shared', 'functions', 'infra'].flatMap((dir) =>
      sources(dir).flatMap((f) =>
        importsOf(f)
          .filter((s) => s.startsWith('.') && target(f, s).startsWith('test'))
          .map((s) => `${f} → ${s}`),
      ),
    );
    expect(offending).toEqual([]);
  });

  it('shared/ has no AWS SDK, Powertools or Lambda import outside shared/adapters/aws', () => {
    const core = sources('shared').filter((f) => !f.startsWith(path.join('shared', 'adapters', 'aws')));
    const offending = core.flatMap((f) =>
      importsOf(f)
        .filter((s) => /^@aws-sdk\/|^@aws-lambda-powertools\/|^aws-lambda$|^@smithy\//.test(s))
        .map((s) => `${f} → ${s}`),
    );
    expect(core.length).toBeGreaterThan(50);
    expect(offending).toEqual([]);
  });
});
