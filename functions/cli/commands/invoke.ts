import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { executeAction, parseActionInput, type ParsedAction } from '../../../shared/actions';
import { findObject, type CatalogObject } from '../../../shared/catalog';
import { FilePayloadStore, LocalFileSource } from '../../../shared/adapters/file';
import { CoupaClient } from '../../../shared/coupa';
import { loadCliCredentials } from '../credentials';
import type { CliIo } from '../io';
import { UsageError } from '../usage';

/**
 * Runs one action locally with the same core as the action Lambdas: `invoke get --host acme --input
 * '{"object":"suppliers","id":1}'`. Prints the result as JSON on stdout. Invalid input fails before
 * any credentials are needed; errors reach main.ts, which prints `{"errorType","errorMessage"}`.
 */
export async function invokeCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { host: { type: 'string' }, input: { type: 'string' }, credentials: { type: 'string' }, 'files-dir': { type: 'string' } },
  });
  if (positionals.length !== 1) {
    throw new UsageError(
      `invoke takes one ACTION (get, query, create, update, mark_exported, request, attach or a special action such as submit); got ${positionals.length}`,
    );
  }
  if (!values.host && !values.credentials) {
    throw new UsageError(
      '--host is required: the Coupa instance (acme, acme.coupahost.com or a URL), or --credentials FILE, which names its host',
    );
  }
  if (values.input === undefined) throw new UsageError('--input is required: the action input as JSON, @FILE, or @- for stdin');
  const parsed = parseActionInput(positionals[0]!, await readInput(values.input));
  const login = await loadCliCredentials({ file: values.credentials, host: values.host, objects: objectsOf(parsed), access: 'write' });
  const client = new CoupaClient({ host: (values.host ?? login.host)!, credentials: login.credentials });
  // attach reads local files; a request answered with a file saves it under --files-dir.
  const fileResults = { store: new FilePayloadStore(values['files-dir'] ?? 'coupa-files'), keyPrefix: '' };
  const result = await executeAction({ client, files: new LocalFileSource(), fileResults }, parsed);
  io.out(JSON.stringify(result, null, 2));
  return 0;
}

/** `--input`: JSON text, `@path` for a file, `@-` for stdin. */
async function readInput(spec: string): Promise<unknown> {
  let text = spec;
  if (spec.startsWith('@')) {
    const file = spec.slice(1);
    try {
      text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
    } catch (error) {
      throw new UsageError(
        `--input ${spec}: cannot read ${file === '-' ? 'stdin' : file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--input must be JSON (or @FILE holding JSON): ${(error as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Whose scopes the token needs: the object (and its embedding parent), or for `request` the path's resource. */
function objectsOf(parsed: ParsedAction): CatalogObject[] {
  const keys =
    parsed.kind === 'request'
      ? [parsed.path.split('/')[0]!]
      : [parsed.object, ...(parsed.kind === 'create' && parsed.via ? [parsed.via.object] : [])];
  return keys.map((key) => findObject(key)).filter((o): o is CatalogObject => o !== undefined);
}
