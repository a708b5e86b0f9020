// Files over HTTP against the simulator: `attach` uploads (multipart) and the bytes come back intact;
// `request` of an endpoint that answers with a file stores it and returns a claim check; bad input never
// leaves the process; an attach whose outcome is unknown is not resent.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAction, type ActionDeps, type ActionResult } from '../../../shared/actions';
import { FilePayloadStore, LocalFileSource } from '../../../shared/adapters/file';
import { useActionSimulator } from './harness';

const h = useActionSimulator();
let dir: string;
let deps: ActionDeps;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** Binary on purpose: every byte value, NULs and invalid UTF-8 included. */
const scan = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(70_000)]);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'coupa-files-'));
  await writeFile(path.join(dir, 'scan.pdf'), scan);
  await writeFile(path.join(dir, 'empty.txt'), '');
  deps = {
    client: h.client,
    files: new LocalFileSource(dir),
    fileResults: { store: new FilePayloadStore(path.join(dir, 'out')), keyPrefix: 'actions/sim/' },
  };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (action: string, input: unknown): Promise<ActionResult> => runAction(deps, action, input);
/** Where a FilePayloadStore claim check points. */
const fileOf = (ref: { bucket: string; key: string }) => path.join(new URL(ref.bucket).pathname, ref.key);

describe('attach', () => {
  it('uploads a local file as multipart; list shows it; its download is the same bytes', async () => {
    const result = await run('attach', { object: 'invoices', id: 3, file: { path: 'scan.pdf' }, intent: 'Supplier' });
    expect(result).toMatchObject({
      object: 'invoices',
      id: 3,
      attachment: {
        type: 'file',
        intent: 'Supplier',
        'file-file-name': 'scan.pdf',
        'file-content-type': 'application/pdf',
        'file-file-size': String(scan.length),
      },
      file: { filename: 'scan.pdf', contentType: 'application/pdf', bytes: scan.length, sha256: sha256(scan) },
    });
    const attachmentId = (result as unknown as { attachment: { id: number } }).attachment.id;
    const post = h.sim.control.requests.find((r) => r.method === 'POST' && r.path.startsWith('/api/'))!;
    expect(post).toMatchObject({ path: '/api/invoices/3/attachments', status: 201 });
    expect(post.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(post.body).toEqual({
      'attachment[type]': 'file',
      'attachment[intent]': 'Supplier',
      'attachment[file]': { filename: 'scan.pdf', contentType: 'application/pdf', bytes: scan.length, sha256: sha256(scan) },
    });

    const list = await run('request', { method: 'GET', path: 'invoices/3/attachments' });
    expect(list).toMatchObject({ status: 200, body: [{ id: attachmentId, 'file-file-name': 'scan.pdf' }] });

    const download = await run('request', { method: 'GET', path: `invoices/3/attachments/${attachmentId}/download` });
    expect(download).toMatchObject({ status: 200, file: { contentType: 'application/pdf', bytes: scan.length, sha256: sha256(scan) } });
    const ref = (download as { file: { bucket: string; key: string } }).file;
    expect(ref.key).toMatch(/^actions\/sim\/request\/\d{4}-\d{2}-\d{2}\/[0-9a-f-]{36}\.pdf$/);
    expect(sha256(await readFile(fileOf(ref)))).toBe(sha256(scan));
  });

  it('takes filename and contentType from the input; objects from the docs only (expense reports) work too', async () => {
    const result = await run('attach', {
      object: 'expense-reports',
      id: 2,
      file: { path: 'scan.pdf' },
      filename: 'receipt 7.bin',
      contentType: 'image/tiff',
    });
    expect(result).toMatchObject({
      object: 'expense_reports',
      id: 2,
      attachment: { 'file-file-name': 'receipt 7.bin', 'file-content-type': 'image/tiff' },
    });
    expect(h.apiRequests()).toEqual(['POST /api/expense_reports/2/attachments']);
  });

  it('rejects bad input with Coupa.Validation before any request', async () => {
    const bad: [unknown, RegExp][] = [
      [{ object: 'suppliers', id: 1, file: { path: 'scan.pdf' } }, /suppliers take no attachments; objects that do: .*invoices/],
      [{ object: 'nope', id: 1, file: { path: 'scan.pdf' } }, /object "nope" is not in the catalog/],
      [{ object: 'invoices', file: { path: 'scan.pdf' } }, /id /],
      [{ object: 'invoices', id: 1 }, /file /],
      [{ object: 'invoices', id: 1, file: { s3: { bucket: 'B!', key: 'k' } } }, /file\.s3\.bucket must be an S3 bucket name/],
      [{ object: 'invoices', id: 1, file: 'scan.pdf' }, /file must be \{"s3": \{"bucket", "key"\}\} \(Lambda\) or \{"path"/],
      [{ object: 'invoices', id: 1, file: { path: 'scan.pdf' }, filename: '../etc/passwd' }, /filename must be a file name/],
      [{ object: 'invoices', id: 1, file: { path: 'scan.pdf' }, contentType: 'pdf' }, /contentType must be a content type/],
      [{ object: 'invoices', id: 1, file: { path: 'scan.pdf' }, intent: 'x'.repeat(41) }, /intent must be at most 40/],
      [{ object: 'invoices', id: 1, file: { path: 'scan.pdf' }, data: {} }, /unknown field "data"/],
      [{ object: 'invoices', id: 1, file: { path: 'missing.pdf' } }, /cannot read missing.pdf \(ENOENT\)/],
      [{ object: 'invoices', id: 1, file: { path: 'empty.txt' } }, /is empty/],
      [{ object: 'invoices', id: 1, file: { s3: { bucket: 'scans', key: 'a.pdf' } } }, /the CLI attaches local files/],
    ];
    for (const [input, message] of bad) {
      await expect(run('attach', input)).rejects.toMatchObject({ name: 'Coupa.Validation', message: expect.stringMatching(message) });
    }
    expect(h.sim.control.requests).toEqual([]);
  });

  it('a record that does not exist is Coupa.NotFound from Coupa', async () => {
    await expect(run('attach', { object: 'purchase_orders', id: 99_999, file: { path: 'scan.pdf' } })).rejects.toMatchObject({
      name: 'Coupa.NotFound',
    });
  });

  it('is never resent after an unknown outcome (5xx, reset); a 429 (rejected before anything happened) is', async () => {
    h.sim.control.injectFaults([{ kind: 'status', status: 502, method: 'POST', path: '/api/invoices/4/attachments' }]);
    await expect(run('attach', { object: 'invoices', id: 4, file: { path: 'scan.pdf' } })).rejects.toMatchObject({
      name: 'Coupa.UnknownOutcome',
      status: 502,
    });
    h.sim.control.injectFaults([{ kind: 'reset', method: 'POST', path: '/api/invoices/4/attachments' }]);
    await expect(run('attach', { object: 'invoices', id: 4, file: { path: 'scan.pdf' } })).rejects.toMatchObject({
      name: 'Coupa.UnknownOutcome',
    });
    expect(h.apiRequests()).toEqual(['POST /api/invoices/4/attachments', 'POST /api/invoices/4/attachments']);
    expect(h.sim.control.pendingFaults()).toEqual([]);

    h.sim.control.resetRequestLog();
    h.sim.control.injectFaults([{ kind: 'status', status: 429, method: 'POST', path: '/api/invoices/4/attachments' }]);
    const result = await run('attach', { object: 'invoices', id: 4, file: { path: 'scan.pdf' } });
    expect(result).toMatchObject({ file: { sha256: sha256(scan) } });
    expect(h.sim.control.requests.map((r) => r.status)).toEqual([429, 201]);
    expect(h.sim.control.requests[1]!.body).toMatchObject({ 'attachment[file]': { sha256: sha256(scan) } }); // the resent body is whole
  });
});

describe('request of endpoints that answer with files', () => {
  it('an image scan put with PUT image_scan comes back from retrieve_image_scan byte for byte', async () => {
    const form = new FormData();
    form.append('file', new Blob([scan], { type: 'image/png' }), 'scan.png');
    await h.client.request('PUT', 'invoices/6/image_scan', { multipart: form });
    const result = await run('request', { method: 'GET', path: 'invoices/6/retrieve_image_scan' });
    expect(result).toMatchObject({ status: 200, file: { contentType: 'image/png', bytes: scan.length, sha256: sha256(scan) } });
    const ref = (result as { file: { bucket: string; key: string } }).file;
    expect(ref.key).toMatch(/\.png$/);
    expect(Buffer.compare(await readFile(fileOf(ref)), scan)).toBe(0);
  });

  it('retrieve_legal_invoice_pdf is a PDF; an invoice without a scan is Coupa.NotFound', async () => {
    const result = await run('request', { method: 'GET', path: 'invoices/7/retrieve_legal_invoice_pdf' });
    expect(result).toMatchObject({ status: 200, file: { contentType: 'application/pdf' } });
    expect((await readFile(fileOf((result as { file: { bucket: string; key: string } }).file))).subarray(0, 8).toString()).toBe('%PDF-1.4');
    await expect(run('request', { method: 'GET', path: 'invoices/8/retrieve_image_scan' })).rejects.toMatchObject({
      name: 'Coupa.NotFound',
    });
  });

  it('a file answer needs somewhere to go: without a store it is Coupa.Configuration', async () => {
    await expect(
      runAction({ client: h.client }, 'request', { method: 'GET', path: 'invoices/7/retrieve_legal_invoice_pdf' }),
    ).rejects.toMatchObject({
      name: 'Coupa.Configuration',
      message: expect.stringMatching(/application\/pdf, \d+ bytes/),
    });
  });

  it('JSON answers stay inline; an HTML page is still a proxy page (Coupa.Transient)', async () => {
    expect(await run('request', { method: 'GET', path: 'invoices/7', query: { fields: ['id'] } })).toEqual({
      status: 200,
      body: { id: 7 },
    });
    h.sim.control.injectFaults([{ kind: 'status', status: 200, body: '<html>maintenance</html>' }]);
    await expect(run('request', { method: 'GET', path: 'invoices/7' })).rejects.toMatchObject({
      name: 'Coupa.Transient',
      message: expect.stringMatching(/not JSON/),
    });
  });
});
