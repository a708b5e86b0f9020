// Error mapping over real HTTP: Coupa's own messages reach the error, names match the contract, and
// invalid input or an insecure host never produces a request.
import { CoupaClient, isCoupaError } from '../../../shared/coupa';
import { apiCalls, CLIENT_ID, CLIENT_SECRET, useSimulator } from './harness';

const h = useSimulator();

describe('errors carry Coupa messages', () => {
  it('400 on create → Coupa.Validation with the validation messages', async () => {
    const error = await h
      .client()
      .create('suppliers', { 'po-method': 'carrier-pigeon' })
      .catch((e: Error) => e);

    expect(error).toMatchObject({ name: 'Coupa.Validation', status: 400, method: 'POST', path: '/api/suppliers' });
    expect((error as { coupaMessages: string[] }).coupaMessages).toEqual(expect.arrayContaining(["Name can't be blank"]));
    expect((error as Error).message).toMatch(/^Coupa rejected POST \/api\/suppliers: .*Name can't be blank.* \(HTTP 400\)$/);
  });

  it('400 on update → Coupa.Validation naming the field', async () => {
    const error = await h
      .client()
      .update('suppliers', 1, { 'po-method': 'carrier-pigeon' })
      .catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'Coupa.Validation', status: 400, path: '/api/suppliers/1' });
    expect((error as Error).message).toBe('Coupa rejected PUT /api/suppliers/1: Po method is not included in the list (HTTP 400)');
  });

  it('400 on an unknown query attribute → Coupa.Validation with the query in the path', async () => {
    const error = await h
      .client()
      .list('suppliers', { no_such_attribute: 1 })
      .catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'Coupa.Validation', path: '/api/suppliers?no_such_attribute=1' });
    expect((error as Error).message).toMatch(/Unknown attribute "no-such-attribute"/);
  });

  it('404 → Coupa.NotFound', async () => {
    const error = await h
      .client()
      .get('suppliers', 999_999)
      .catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'Coupa.NotFound', status: 404, method: 'GET', path: '/api/suppliers/999999' });
    expect((error as Error).message).toBe(
      'Coupa found nothing at GET /api/suppliers/999999: Supplier 999999 not found (HTTP 404): check the object and the id',
    );
  });

  it('403 for a missing scope → Coupa.Forbidden naming the scope', async () => {
    const client = new CoupaClient({
      host: h.sim.baseUrl,
      credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: ['core.supplier.read'] },
    });
    const error = await client.list('purchase_orders').catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'Coupa.Forbidden', status: 403 });
    expect((error as Error).message).toMatch(/core\.purchase_order\.read/);
  });

  it('injected faults with their own bodies are quoted', async () => {
    const client = h.client();
    // The simulator sends a fault's `body` JSON-encoded: a JSON string here.
    h.sim.control.injectFaults([
      { kind: 'status', status: 409, body: 'Record was changed by someone else' },
      { kind: 'status', status: 422 },
    ]);
    await expect(client.get('suppliers', 1)).rejects.toMatchObject({
      name: 'Coupa.Conflict',
      coupaMessages: ['Record was changed by someone else'],
    });
    await expect(client.get('suppliers', 1)).rejects.toMatchObject({
      name: 'Coupa.Validation',
      status: 422,
      coupaMessages: ['Injected fault: HTTP 422'],
    });
  });

  it('never puts the bearer token or client secret in an error', async () => {
    const client = h.client();
    await client.list('suppliers', { limit: 1 });
    h.sim.control.injectFaults([{ kind: 'status', status: 500, method: 'POST' }]);
    const error = await client.create('suppliers', { name: 'x' }).catch((e: unknown) => e);
    expect(isCoupaError(error)).toBe(true);
    const text = JSON.stringify(error, Object.getOwnPropertyNames(error)) + String((error as Error).stack);
    expect(text).not.toMatch(/eyJ|sim-secret/); // JWTs start with eyJ
  });
});

describe('nothing leaves for bad input or an insecure host', () => {
  it('rejects invalid queries before sending', async () => {
    const client = h.client();
    await expect(client.list('suppliers', { limit: 51 })).rejects.toMatchObject({ name: 'Coupa.Validation' });
    await expect(client.list('suppliers', { updated_at: { contains: new Date() as unknown as string } })).rejects.toMatchObject({
      name: 'Coupa.Validation',
    });
    expect(h.sim.control.requests).toEqual([]);
  });

  it('enforces HTTPS except for loopback', async () => {
    const port = new URL(h.sim.baseUrl).port;
    // Loopback over http is fine (that is how these tests run)…
    await expect(h.client({ host: `http://localhost:${port}/api/` }).list('suppliers', { limit: 1 })).resolves.toHaveLength(1);
    // …anything else over http is refused before any request, with a fix in the message.
    for (const host of [`http://coupa.internal:${port}`, `http://10.1.2.3:${port}`, `http://acme.coupahost.com`]) {
      expect(() => h.client({ host })).toThrow(
        expect.objectContaining({ name: 'Coupa.Configuration', message: expect.stringMatching(/HTTPS only.*use https:\/\//) }),
      );
    }
    expect(() => h.client({ host: `${h.sim.baseUrl}?token=abc` })).toThrow(/query string/);
    expect(apiCalls(h.sim)).toHaveLength(1);
  });
});
