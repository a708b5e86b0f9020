// Starts and stops the moto server (launcher.py) as a child process: free loopback port, bounded
// readiness poll on GET /moto-api/, kill by PID. Used by jest's globalSetup/globalTeardown.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

export const LAUNCHER = path.join(__dirname, 'launcher.py');

export interface MotoProcess {
  readonly endpoint: string;
  readonly pid: number;
  readonly child: ChildProcess;
}

/** Asks the kernel for a free loopback port (tiny race until moto binds it; acceptable for tests). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `GET {endpoint}/moto-api/` until it answers 200 or the deadline passes. */
export async function waitForMoto(endpoint: string, deadlineMs: number, exited: () => string | undefined): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const gone = exited();
    if (gone) throw new Error(gone);
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`moto did not answer GET ${endpoint}/moto-api/ within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface StartMotoOptions {
  readonly python?: string;
  readonly readyTimeoutMs?: number;
  /** @default a free loopback port */
  readonly port?: number;
  /**
   * Where moto's Step Functions interpreter calls Lambda (`http://localhost:<callbackPort>`), e.g. a
   * front that runs handlers in-process (step-functions.ts). @default moto's own port
   */
  readonly callbackPort?: number;
}

/** Launches moto on a free loopback port and resolves once it is ready. */
export async function startMoto(opts: StartMotoOptions = {}): Promise<MotoProcess> {
  const python = opts.python ?? process.env.PYTHON ?? 'python3';
  const port = opts.port ?? (await freeLoopbackPort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(python, [LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
    // MOTO_PORT: the Step Functions interpreter calls Lambda back on this port.
    env: { ...process.env, MOTO_PORT: String(opts.callbackPort ?? port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Keep the tail of stderr for error messages; keep draining it so the pipe never blocks moto.
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
  });
  let exitReason: string | undefined;
  child.once('error', (e) => {
    exitReason = `could not run ${python}: ${e.message}`;
  });
  child.once('exit', (code, signal) => {
    exitReason ??= `moto exited early (code ${code}, signal ${signal}):\n${stderrTail}`;
  });
  try {
    await waitForMoto(endpoint, opts.readyTimeoutMs ?? 20_000, () => exitReason);
  } catch (e) {
    if (child.exitCode === null && child.pid) child.kill('SIGKILL');
    throw e;
  }
  if (!child.pid) throw new Error('moto started without a PID');
  return { endpoint, pid: child.pid, child };
}

/** Stops moto by PID: SIGTERM, then SIGKILL after a bounded wait. */
export async function stopMoto(moto: MotoProcess, graceMs = 3000): Promise<void> {
  const { child } = moto;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(moto.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(moto.pid, 'SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}
