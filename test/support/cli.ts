// The CLI as a user runs it: the package bin in a child process, with an environment of its own.
import { execFile } from 'node:child_process';
import path from 'node:path';

export const CLI_BIN = path.resolve(__dirname, '../../functions/cli/bin.mjs');

export interface CliRun {
  /** The exit code (0 on success). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** The whole environment of the process. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/** This process's environment without any Coupa client settings, plus `extra`. */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['COUPA_CLIENT_ID', 'COUPA_CLIENT_SECRET', 'COUPA_SCOPES', 'COUPA_API_KEY']) delete env[name];
  return { ...env, ...extra };
}

/** The environment of a user holding the simulator's default OAuth client (scopes: the CLI's defaults). */
export const simulatorClientEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv =>
  userEnv({ COUPA_CLIENT_ID: 'sim-client', COUPA_CLIENT_SECRET: 'sim-secret', ...extra });

/** Runs `coupa-connector ARGS`; resolves with the exit code and output whatever the code. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI_BIN, ...args],
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        if (typeof code !== 'number') return reject(error ?? new Error('no exit code'));
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs `coupa-connector ARGS` and expects exit 0; rejects with its stderr otherwise. */
export async function cli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const result = await runCli(args, options);
  if (result.code !== 0) throw new Error(`coupa-connector ${args[0] ?? ''} exited ${result.code}: ${result.stderr}`);
  return result;
}

/** The `{"errorType","errorMessage"}` JSON a failed command prints on stderr (after any progress lines). */
export function cliError(stderr: string): { errorType: string; errorMessage: string } {
  const line = stderr.split('\n').find((l) => l.startsWith('{"errorType"'));
  if (!line) throw new Error(`no error JSON on stderr: ${stderr}`);
  return JSON.parse(line) as { errorType: string; errorMessage: string };
}
