import { CoupaClient, CoupaConfigurationError, CoupaValidationError, type FetchLike, type TokenProvider } from '../../../shared/coupa';

const tokens: TokenProvider = { getToken: async () => 'T' };
const neverCalled: FetchLike = async () => {
  throw new Error('no request should leave');
};

describe('CoupaClient input checks (nothing is sent)', () => {
  const client = new CoupaClient({ host: 'acme', tokenProvider: tokens, fetch: neverCalled });

  it.each<[string, () => Promise<unknown>, RegExp]>([
    ['bad query', () => client.list('invoices', { limit: 500 }), /limit must be an integer from 1 to 50/],
    ['bad operator value', () => client.list('invoices', { status: { in: 'x' as unknown as string[] } }), /needs an array/],
    ['return_object=none on GET', () => client.get('invoices', 1, { returnObject: 'none' }), /GET takes limited or shallow/],
    ['bad path', () => client.list('invoices?x=1'), /query option/],
    ['bad id', () => client.get('invoices', -1), /positive integers/],
    ['array body', () => client.create('invoices', [{}]), /one record per request/],
    ['bad method', () => client.request('TRACE' as 'GET', 'invoices'), /Unsupported HTTP method/],
  ])('%s → Coupa.Validation', async (_name, act, message) => {
    const error = await act().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoupaValidationError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('CoupaClient configuration', () => {
  it.each([
    [{ host: 'acme' }, /exactly one of tokenProvider and credentials/],
    [{ host: 'acme', tokenProvider: tokens, credentials: { clientId: 'a', clientSecret: 'b' } }, /exactly one/],
    [{ host: 'http://acme.coupahost.com', tokenProvider: tokens }, /plain http/],
    [{ host: 'acme', tokenProvider: {} as TokenProvider }, /getToken/],
    [{ host: 'acme', tokenProvider: tokens, timeoutMs: -1 }, /timeoutMs/],
    [{ host: 'acme', credentials: { clientId: 'a', clientSecret: 'b', grantType: 'authorization_code' as const } }, /refreshToken/],
  ])('rejects %j', (options, message) => {
    expect(() => new CoupaClient(options)).toThrow(CoupaConfigurationError);
    expect(() => new CoupaClient(options)).toThrow(message);
  });

  it('exposes the resolved host', () => {
    const client = new CoupaClient({ host: 'acme.coupacloud.com/api', tokenProvider: tokens });
    expect(client.host.apiUrl).toBe('https://acme.coupacloud.com/api/');
  });
});

describe('CoupaClient observability hooks', () => {
  it('ignores hooks that throw', async () => {
    const fetch: FetchLike = async () => new Response('[]', { status: 200 });
    const client = new CoupaClient({
      host: 'acme',
      tokenProvider: tokens,
      fetch,
      onRequest: () => {
        throw new Error('metrics down');
      },
    });
    await expect(client.list('invoices')).resolves.toEqual([]);
  });

  it('hands the successful response to onResponse, for headers such as Date', async () => {
    const fetch: FetchLike = async () => new Response('[{"id":1}]', { status: 200, headers: { Date: 'Fri, 27 Nov 2026 08:00:00 GMT' } });
    const client = new CoupaClient({ host: 'acme', tokenProvider: tokens, fetch });
    let date: string | null = null;
    const records = await client.list('invoices', {}, { onResponse: (response) => (date = response.headers.get('date')) });
    expect(records).toEqual([{ id: 1 }]);
    expect(date).toBe('Fri, 27 Nov 2026 08:00:00 GMT');
  });

  it('sends JSON headers, the user agent and the bearer token', async () => {
    const seen: Request[] = [];
    const bodies: string[] = [];
    const fetch: FetchLike = async (input) => {
      seen.push(input as Request);
      bodies.push(await (input as Request).clone().text());
      return new Response('{"id":1}', { status: 201 });
    };
    const client = new CoupaClient({ host: 'acme', tokenProvider: tokens, fetch, userAgent: 'my-app/1.0' });
    await client.create('suppliers', { name: 'Acme' }, { returnObject: 'limited' });
    const request = seen[0]!;
    expect(request.url).toBe('https://acme.coupahost.com/api/suppliers?return_object=limited');
    expect(request.headers.get('accept')).toBe('application/json');
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.headers.get('user-agent')).toBe('my-app/1.0');
    expect(request.headers.get('authorization')).toBe('Bearer T');
    expect(bodies[0]).toBe('{"name":"Acme"}');
  });
});

describe('CoupaClient and its token provider', () => {
  it('passes token provider errors through unchanged and does not retry them', async () => {
    class SecretsDown extends Error {
      override name = 'Tokens.SecretNotFound';
      code = 'ECONNRESET'; // looks like a network error; still not Coupa's
    }
    let calls = 0;
    const failing: TokenProvider = {
      getToken: async () => {
        calls++;
        throw new SecretsDown('secret gone');
      },
    };
    const client = new CoupaClient({ host: 'acme', tokenProvider: failing, fetch: neverCalled, retry: { backoffBaseMs: 1 } });
    const error = await client.list('invoices').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsDown);
    expect(calls).toBe(1);
  });
});
