// `invoke ACTION --host URL --input JSON|@FILE` through the package bin, against the simulator.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../../shared/simulator';
import { cli, runCli, simulatorClientEnv } from '../../support/cli';

const env = simulatorClientEnv(); // scopes default to the object's

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({ seed: 3, records: 20, rateLimit: false });
  dir = await mkdtemp(path.join(tmpdir(), 'coupa-invoke-'));
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const invoke = (...args: string[]) => cli(['invoke', ...args], { env });
/** A failing invoke: exit code, stdout, stderr. */
const failure = async (...args: string[]) => {
  const result = await runCli(['invoke', ...args], { env });
  if (result.code === 0) throw new Error('invoke succeeded');
  return result;
};

describe('CLI: invoke', () => {
  it('get prints the record as JSON on stdout', async () => {
    const { stdout } = await invoke('get', '--host', sim.baseUrl, '--input', '{"object":"suppliers","id":1}');
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ object: 'suppliers', id: 1, record: { id: 1, name: sim.control.get('suppliers', 1)!.name } });
    // Scopes default to the object's read and write scopes (the client adds core.common.read).
    expect([...sim.control.grantedScopes().at(-1)!].sort()).toEqual(['core.common.read', 'core.supplier.read', 'core.supplier.write']);
  });

  it('reads the input from @FILE and writes', async () => {
    const file = path.join(dir, 'update.json');
    await writeFile(
      file,
      JSON.stringify({ object: 'suppliers', id: 2, data: { customFields: { 'cf-erp-number': 'CLI-1' } }, returnType: 'limited' }),
    );
    const { stdout } = await invoke('update', '--host', sim.baseUrl, '--input', `@${file}`);
    expect(JSON.parse(stdout)).toEqual({ object: 'suppliers', id: 2, record: { id: 2 } });
    expect(sim.control.get('suppliers', 2)!['custom-fields']).toMatchObject({ 'cf-erp-number': 'CLI-1' });
  });

  it('invalid input: {"errorType","errorMessage"} on stderr, exit 1, nothing sent to Coupa', async () => {
    sim.control.resetRequestLog();
    const e = await failure('get', '--host', sim.baseUrl, '--input', '{"object":"suppliers","id":0}');
    expect(e.code).toBe(1);
    expect(e.stdout).toBe('');
    expect(JSON.parse(e.stderr.trim().split('\n')[0]!)).toEqual({
      errorType: 'Coupa.Validation',
      errorMessage: expect.stringContaining('id must be a positive whole number'),
    });
    expect(sim.control.requests).toEqual([]);
  });

  it('a Coupa error: Coupa.NotFound, exit 1', async () => {
    const e = await failure('get', '--host', sim.baseUrl, '--input', '{"object":"suppliers","id":9999}');
    expect(e.code).toBe(1);
    expect(JSON.parse(e.stderr.trim().split('\n')[0]!)).toMatchObject({ errorType: 'Coupa.NotFound' });
  });

  it('usage mistakes exit 2: bad JSON, missing --host, unreadable @FILE', async () => {
    for (const args of [
      ['get', '--host', sim.baseUrl, '--input', '{object:'],
      ['get', '--input', '{"object":"suppliers","id":1}'],
      ['get', '--host', sim.baseUrl, '--input', `@${path.join(dir, 'missing.json')}`],
      ['--host', sim.baseUrl, '--input', '{}'],
    ]) {
      const e = await failure(...args);
      expect([args, e.code]).toEqual([args, 2]);
      expect(e.stderr).toContain('"errorType":"UsageError"');
    }
  });
});

describe('CLI: invoke with files', () => {
  it('attach uploads a local file; a request answered with a file saves it under --files-dir', async () => {
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));
    await writeFile(path.join(dir, 'receipt.png'), bytes);
    const input = JSON.stringify({ object: 'invoices', id: 2, file: { path: path.join(dir, 'receipt.png') }, intent: 'Internal' });
    const attached = JSON.parse((await invoke('attach', '--host', sim.baseUrl, '--input', input)).stdout);
    const digest = createHash('sha256').update(bytes).digest('hex');
    expect(attached).toMatchObject({
      object: 'invoices',
      id: 2,
      attachment: { 'file-file-name': 'receipt.png', 'file-content-type': 'image/png', intent: 'Internal' },
      file: { filename: 'receipt.png', contentType: 'image/png', bytes: 5000, sha256: digest },
    });
    // Attaching writes to the invoice: the token asks for its write scope.
    expect(sim.control.grantedScopes().at(-1)).toContain('core.invoice.write');

    const filesDir = path.join(dir, 'files');
    const download = JSON.stringify({ method: 'GET', path: `invoices/2/attachments/${attached.attachment.id}/download` });
    const result = JSON.parse((await invoke('request', '--host', sim.baseUrl, '--input', download, '--files-dir', filesDir)).stdout);
    expect(result).toMatchObject({
      status: 200,
      file: { bucket: `file://${filesDir}`, contentType: 'image/png', bytes: 5000, sha256: digest },
    });
    expect(Buffer.compare(await readFile(path.join(filesDir, result.file.key)), bytes)).toBe(0);
  });

  it('attach of a missing file fails as Coupa.Validation before anything is sent', async () => {
    sim.control.resetRequestLog();
    const e = await failure(
      'attach',
      '--host',
      sim.baseUrl,
      '--input',
      JSON.stringify({ object: 'invoices', id: 2, file: { path: path.join(dir, 'nope.pdf') } }),
    );
    expect(e.code).toBe(1);
    expect(JSON.parse(e.stderr.trim().split('\n')[0]!)).toEqual({
      errorType: 'Coupa.Validation',
      errorMessage: expect.stringMatching(/nope\.pdf \(ENOENT\)/),
    });
    expect(sim.control.requests).toEqual([]);
  });
});
