// The custom request action: any call under /api/ of the configured host, answered with status and body.
import { useActionSimulator } from './harness';

const h = useActionSimulator();

describe('request', () => {
  it('GET with a relative path and query parameters (fields, conditions)', async () => {
    const result = await h.run('request', { method: 'get', path: 'suppliers', query: { id: { in: [2, 3] }, fields: ['id', 'name'] } });
    expect(result).toEqual({
      status: 200,
      body: [2, 3].map((id) => ({ id, name: h.sim.control.get('suppliers', id)!.name })),
    });
    expect(h.apiRequests()).toEqual(['GET /api/suppliers?id[in]=2,3&fields=["id","name"]']);
  });

  it('GET with an /api/ path', async () => {
    expect(await h.run('request', { method: 'GET', path: '/api/suppliers/4' })).toMatchObject({ status: 200, body: { id: 4 } });
    expect(h.apiRequests()).toEqual(['GET /api/suppliers/4']);
  });

  it('PUT with a body changes the record', async () => {
    const result = await h.run('request', {
      method: 'PUT',
      path: 'api/suppliers/5',
      body: { 'display-name': 'Via request' },
      query: { return_object: 'limited' },
    });
    expect(result).toEqual({ status: 200, body: { id: 5 } });
    expect(h.sim.control.get('suppliers', 5)!['display-name']).toBe('Via request');
    expect(h.sim.control.requests.at(-1)).toMatchObject({
      method: 'PUT',
      path: '/api/suppliers/5',
      body: { 'display-name': 'Via request' },
    });
  });

  it('POST answers 201 and the created record; an empty answer is a null body', async () => {
    expect(await h.run('request', { method: 'POST', path: 'departments', body: { name: 'Via request' } })).toMatchObject({
      status: 201,
      body: { name: 'Via request' },
    });
    expect(
      await h.run('request', { method: 'PUT', path: 'departments/1', body: { name: 'Quiet' }, query: { return_object: 'none' } }),
    ).toEqual({ status: 200, body: null });
  });

  it('Coupa errors keep their names: 404 Coupa.NotFound, 405 Coupa.Validation', async () => {
    await expect(h.run('request', { method: 'GET', path: 'suppliers/99999' })).rejects.toMatchObject({ name: 'Coupa.NotFound' });
    await expect(h.run('request', { method: 'DELETE', path: 'suppliers/1' })).rejects.toMatchObject({
      name: 'Coupa.Validation',
      status: 405,
    });
  });

  it('paths that would leave /api/ never leave the process', async () => {
    for (const path of [
      '../oauth2/token',
      '/api/../oauth2/token',
      '/api/%2e%2e/oauth2/token',
      'https://evil.example/api/x',
      '//evil.example/api/x',
      '..\\oauth2\\token',
      '/oauth2/token',
    ]) {
      await expect(h.run('request', { method: 'POST', path })).rejects.toMatchObject({ name: 'Coupa.Validation' });
    }
    expect(h.sim.control.requests).toEqual([]);
  });
});
