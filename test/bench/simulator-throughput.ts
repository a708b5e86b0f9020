// `npm run bench:simulator`: how many invoice records/s the Coupa simulator serves, and how busy its
// main thread is meanwhile. The simulator runs in its own process (bench-simulator.ts, 0 ms latency, no
// rate limit); this process is the client. Prints figures, not pass/fail.
//   npm run bench:simulator -- [--records 20000] [--clients 4] [--passes 2] [--return-type default]
// BENCH_SIMULATOR_NODE_ARGS adds Node flags to the simulator process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
//
// The client pages the way the poller asks: each of `clients` workers owns one updated-at window
// (`updated_at[gt_or_eq]` + `updated_at[lt]`, `order_by=updated_at`, `dir=asc`, `limit=50`) and pages
// through it with `offset`. The first pass reads every record for the first time (a backfill); later
// passes read the same versions again (the simulator keeps rendered associations, not whole records, so
// they are rendered again with the JIT warm). The client shares the two cores with the simulator, so it
// is kept light: node:http, and each window's first page parsed in full, the others counted by a scan.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { TSX } from './processes';

const PAGE = 50;

interface SimulatorProbe {
  /** Main-thread event-loop utilisation since the previous probe (0..1). */
  readonly elu: number;
  /** Process CPU time since the previous probe (ms, user + system, all threads). */
  readonly cpuMs: number;
}

async function main() {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '20000' },
      clients: { type: 'string', default: '4' },
      passes: { type: 'string', default: '2' },
      'return-type': { type: 'string', default: 'default' },
    },
  });
  const records = Number(values.records);
  const clients = Math.max(1, Number(values.clients));
  const passes = Math.max(1, Number(values.passes));
  const returnType = values['return-type'];

  const nodeArgs = (process.env.BENCH_SIMULATOR_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const sim = spawn(TSX, [...nodeArgs, path.join(__dirname, 'bench-simulator.ts'), '--records', String(records), '--probe'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: sim.stdout! });
  const nextLine = lineReader(lines, sim);
  try {
    const { baseUrl, sinceMs } = JSON.parse(await nextLine()) as { baseUrl: string; sinceMs: number };
    const probe = async (): Promise<SimulatorProbe> => {
      sim.stdin!.write('probe\n');
      return JSON.parse(await nextLine()) as SimulatorProbe;
    };
    const token = await accessToken(baseUrl);
    // bench-simulator.ts spreads the records one per second from sinceMs + 1 s.
    const endMs = sinceMs + (records + 1) * 1000;
    const windows = Array.from({ length: clients }, (_, i) => {
      const from = sinceMs + Math.floor(((endMs - sinceMs) * i) / clients / 1000) * 1000;
      const to = i === clients - 1 ? endMs : sinceMs + Math.floor(((endMs - sinceMs) * (i + 1)) / clients / 1000) * 1000;
      return { from, to };
    });

    console.log(`simulator throughput: ${records} invoices, ${clients} clients, return type ${returnType}, 0 ms latency`);
    console.log(
      `${'pass'.padEnd(14)}${'records'.padStart(10)}${'requests'.padStart(10)}${'seconds'.padStart(10)}${'records/s'.padStart(12)}${'main thread'.padStart(13)}${'CPU'.padStart(8)}${'CPU ms/1k rec'.padStart(15)}`,
    );
    for (let pass = 1; pass <= passes; pass++) {
      await probe();
      const started = performance.now();
      const counts = await Promise.all(windows.map((w) => pageWindow(baseUrl, token, w.from, w.to, returnType)));
      const seconds = (performance.now() - started) / 1000;
      const { elu, cpuMs } = await probe();
      const served = counts.reduce((sum, c) => sum + c.records, 0);
      const requests = counts.reduce((sum, c) => sum + c.requests, 0);
      if (served !== records) throw new Error(`pass ${pass} served ${served} records, expected ${records}`);
      console.log(
        `${(pass === 1 ? '1 (first read)' : String(pass)).padEnd(14)}${String(served).padStart(10)}${String(requests).padStart(10)}${seconds.toFixed(2).padStart(10)}${Math.round(
          served / seconds,
        )
          .toString()
          .padStart(
            12,
          )}${`${(elu * 100).toFixed(0)}%`.padStart(13)}${`${((cpuMs / 1000 / seconds) * 100).toFixed(0)}%`.padStart(8)}${((cpuMs / served) * 1000).toFixed(0).padStart(15)}`,
      );
    }
    console.log(
      'target: ≥ 2000 records/s at 0 ms latency (issue 11); main thread = event-loop utilisation; CPU = of one core, all threads (less sensitive to other load on the machine)',
    );
  } finally {
    agent.destroy();
    lines.close();
    sim.kill('SIGINT'); // SIGINT lets Node write a --cpu-prof profile on the way out
  }
}

async function pageWindow(baseUrl: string, token: string, fromMs: number, toMs: number, returnType: string) {
  const base =
    `${baseUrl}/api/invoices?updated_at[gt_or_eq]=${encodeURIComponent(new Date(fromMs).toISOString())}` +
    `&updated_at[lt]=${encodeURIComponent(new Date(toMs).toISOString())}&order_by=updated_at&dir=asc&limit=${PAGE}` +
    (returnType === 'default' ? '' : `&return_object=${returnType}`);
  let records = 0;
  let requests = 0;
  for (let offset = 0; ; offset += PAGE) {
    const { status, body } = await get(`${base}&offset=${offset}`, token);
    requests++;
    if (status !== 200) throw new Error(`HTTP ${status}: ${body.toString('utf8')}`);
    // The first page is parsed in full (the answer is JSON, the count agrees); the rest are counted by
    // a scan, so that the client leaves the cores to the simulator it measures.
    const count = countElements(body);
    if (offset === 0 && (JSON.parse(body.toString('utf8')) as unknown[]).length !== count)
      throw new Error('element count disagrees with JSON.parse');
    records += count;
    if (count < PAGE) return { records, requests };
  }
}

/** The elements of a JSON array of objects, by a byte scan (strings and nesting respected). */
function countElements(json: Buffer): number {
  let depth = 0;
  let count = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (c === 0x7b && depth === 1) count++;
      depth++;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return count;
}

/** One GET on a kept-alive connection, the body as bytes (node:http: less of the client's CPU than fetch). */
function get(url: string, token: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
const agent = new http.Agent({ keepAlive: true });

async function accessToken(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=sim-client&client_secret=sim-secret',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Reads the child's stdout one line at a time; rejects if it exits first (its stderr is inherited). */
function lineReader(lines: readline.Interface, child: ChildProcess): () => Promise<string> {
  const queued: string[] = [];
  const waiting: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  lines.on('line', (line) => {
    const next = waiting.shift();
    if (next) next.resolve(line);
    else queued.push(line);
  });
  child.once('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`bench simulator exited with code ${code} before reporting`));
  });
  return () => {
    const line = queued.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
}

void main().catch((error: unknown) => {
  console.error(String(error));
  process.exitCode = 1;
});
