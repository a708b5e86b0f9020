// Runs `auth login` through the package bin as a child process, the way a person runs it: the first
// stdout line is the authorization URL, which a test then "opens" (GETs, following Coupa's redirect).
import { spawn } from 'node:child_process';
import { CLI_BIN } from './cli';

export interface LoginRun {
  /** The first stdout line (the authorization URL); rejects if the process ends without one. */
  readonly url: Promise<string>;
  /** Exit code and all output, once the process has ended. */
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts `auth login ARGS` with `env` as its whole environment. */
export function startLogin(args: readonly string[], env: NodeJS.ProcessEnv): LoginRun {
  const child = spawn(process.execPath, [CLI_BIN, 'auth', 'login', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const end = stdout.indexOf('\n');
      if (end >= 0) resolve(stdout.slice(0, end));
    });
    void done.then(({ code }) => reject(new Error(`auth login exited (${code}) without printing a URL: ${stderr}`)));
  });
  url.catch(() => undefined); // tests that expect no URL only await `done`
  return { url, done };
}

/** What a browser does with the URL: GET it and follow the redirect to the loopback callback. */
export async function openInBrowser(url: string): Promise<{ status: number; html: string }> {
  const response = await fetch(url, { redirect: 'follow' });
  return { status: response.status, html: await response.text() };
}
