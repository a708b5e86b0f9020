// requestContent (JSON or a file's bytes, size cap) and multipart bodies, against the simulator.
import { createHash } from 'node:crypto';
import { useSimulator } from './harness';

const h = useSimulator();
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const pdfForm = (bytes: Buffer) => {
  const form = new FormData();
  form.append('attachment[type]', 'file');
  form.append('attachment[file]', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), 'a.pdf');
  return form;
};

describe('requestContent', () => {
  it('JSON answers are parsed; file answers come back as bytes with their content type', async () => {
    const client = h.client({ credentials: { clientId: 'sim-client', clientSecret: 'sim-secret', scopes: ['core.invoice.read'] } });
    expect(await client.requestContent('GET', 'invoices/1', { fields: ['id'] })).toEqual({ kind: 'json', status: 200, body: { id: 1 } });
    const pdf = await client.requestContent('GET', 'invoices/1/retrieve_legal_invoice_pdf');
    expect(pdf).toMatchObject({ kind: 'file', status: 200, contentType: 'application/pdf' });
    expect(
      Buffer.from((pdf as { bytes: Uint8Array }).bytes)
        .subarray(0, 8)
        .toString(),
    ).toBe('%PDF-1.4');
  });

  it('refuses a body over maxBytes as Coupa.Validation', async () => {
    const client = h.client({ credentials: { clientId: 'sim-client', clientSecret: 'sim-secret', scopes: ['core.invoice.read'] } });
    await expect(client.requestContent('GET', 'invoices/1/retrieve_legal_invoice_pdf', { maxBytes: 100 })).rejects.toMatchObject({
      name: 'Coupa.Validation',
      message: expect.stringMatching(/over the limit of 100 bytes/),
    });
  });
});

describe('multipart bodies', () => {
  it('are resent whole after the one 401 refresh', async () => {
    const client = h.client({
      credentials: { clientId: 'sim-client', clientSecret: 'sim-secret', scopes: ['core.invoice.read', 'core.invoice.write'] },
    });
    await client.request('GET', 'invoices/2', { fields: ['id'] }); // holds a token
    h.sim.control.revokeTokens();
    const bytes = Buffer.from('%PDF-1.4 tiny');
    const created = await client.request<{ id: number }>('POST', 'invoices/2/attachments', { multipart: pdfForm(bytes) });
    expect(created).toMatchObject({ 'file-file-size': String(bytes.length) });
    const posts = h.sim.control.requests.filter((r) => r.method === 'POST' && r.path === '/api/invoices/2/attachments');
    expect(posts.map((r) => r.status)).toEqual([401, 201]);
    expect(posts[1]!.body).toMatchObject({ 'attachment[file]': { sha256: sha256(bytes) } });
  });

  it('cannot be combined with a JSON body', async () => {
    await expect(
      h.client().request('POST', 'invoices/2/attachments', { json: {}, multipart: pdfForm(Buffer.from('x')) }),
    ).rejects.toMatchObject({ name: 'Coupa.Validation' });
    expect(h.sim.control.requests).toEqual([]);
  });
});
