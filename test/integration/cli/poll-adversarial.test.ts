import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { CLI_BIN, cli, simulatorClientEnv } from '../../support/cli';

const env = simulatorClientEnv();

/**
 * The CLI contract end to end, as an outside harness would drive it: `simulator` in its own process,
 * steered over its HTTP control endpoints, and `poll` run again and again; the events written must
 * match the simulator's own record of every version, with nothing lost and nothing twice.
 */
describe('CLI: poll against an adversarial simulator', () => {
  let sim: ChildProcess;
  let baseUrl: string;
  let dir: string;

  const control = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}/__sim/${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<unknown>;
  };
  const poll = (object: string) =>
    cli(
      [
        'poll',
        '--object',
        object,
        '--host',
        baseUrl,
        '--state-dir',
        path.join(dir, 'state'),
        '--out',
        path.join(dir, `${object}.jsonl`),
        '--since',
        '2020-01-01T00:00:00Z',
        '--lag-seconds',
        '5',
        '--quiet',
      ],
      { env, timeoutMs: 60_000 },
    );

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'coupa-adversarial-'));
    sim = spawn(process.execPath, [CLI_BIN, 'simulator', '--records', '400', '--seed', '9'], { stdio: ['ignore', 'pipe', 'inherit'] });
    baseUrl = await new Promise<string>((resolve) => readline.createInterface({ input: sim.stdout! }).once('line', resolve));
  });
  afterAll(async () => {
    sim.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes every version of every changed invoice exactly once', async () => {
    const { now } = (await control('GET', 'clock')) as { now: number };
    await control('POST', 'clock', { set: now });
    await poll('invoices');

    // A mass update in one second, edits while the next run pages, late rows, faults and a revoked token.
    await control('POST', 'objects/invoices/touch', { ids: Array.from({ length: 140 }, (_, i) => i + 100), at: now - 2000 });
    await control('POST', 'concurrent-edits', { object: 'invoices', everyNthListRequest: 2, count: 3 });
    await control('POST', 'faults', {
      faults: [
        { kind: 'status', status: 429 },
        { kind: 'status', status: 503 },
        { kind: 'reset' },
        { kind: 'status', status: 429, retryAfterSeconds: 0 },
      ],
    });
    await control('POST', 'clock', { advance: 10_000 });
    await poll('invoices');
    await control('DELETE', 'concurrent-edits');
    await control('POST', 'visibility-lag', { ms: 4000 });
    for (const id of [3, 7, 11])
      await control('PATCH', `objects/invoices/records/${id}`, { patch: { 'custom-fields': { 'cf-erp-number': `late-${id}` } } });
    await control('POST', 'clock', { advance: 2000 });
    await control('POST', 'revoke-tokens');
    await poll('invoices'); // the late rows are not visible yet: they must not be skipped
    await control('POST', 'clock', { advance: 20_000 });
    await poll('invoices');

    const lines = (await readFile(path.join(dir, 'invoices.jsonl'), 'utf8')).trimEnd().split('\n');
    const published = lines.map((l) => {
      const { metadata } = JSON.parse(JSON.parse(l).Detail) as { metadata: { recordId: number; updatedAt: string } };
      return `${metadata.recordId}@${Date.parse(metadata.updatedAt)}`;
    });
    const history = (await control('GET', 'objects/invoices/history')) as { id: number; updatedAtMs: number }[];
    const versions = new Set(history.map((v) => `${v.id}@${v.updatedAtMs}`));
    const latest = new Map<number, number>();
    for (const v of history) latest.set(v.id, v.updatedAtMs);

    expect(published.filter((v, i) => published.indexOf(v) !== i)).toEqual([]); // nothing twice
    expect(published.filter((v) => !versions.has(v))).toEqual([]); // nothing invented
    const have = new Set(published);
    expect([...latest].filter(([id, ms]) => !have.has(`${id}@${ms}`))).toEqual([]); // nothing lost
    expect(have.has(`150@${now - 2000}`) || latest.get(150) !== now - 2000).toBe(true);
    expect(published.length).toBeGreaterThan(400 + 140);
  }, 120_000);
});
