import { authorizationUrl, CoupaConfigurationError } from '../../../shared/coupa';

describe('authorizationUrl', () => {
  it('is Coupa’s authorization endpoint with the code flow’s parameters, scopes space-separated as %20', () => {
    const url = authorizationUrl({
      host: 'acme',
      clientId: 'client id',
      scopes: ['offline_access', 'core.invoice.read'],
      redirectUri: 'http://127.0.0.1:8976/callback',
      state: 'a+b/c=',
    });
    expect(url).toBe(
      'https://acme.coupahost.com/oauth2/authorizations/new?client_id=client%20id&response_type=code' +
        '&scope=core.common.read%20offline_access%20core.invoice.read&redirect_uri=http%3A%2F%2F127.0.0.1%3A8976%2Fcallback&state=a%2Bb%2Fc%3D',
    );
    expect(Object.fromEntries(new URL(url).searchParams)).toMatchObject({ client_id: 'client id', state: 'a+b/c=' });
  });

  it('refuses what the client refuses: plain http to a remote host, malformed scopes', () => {
    const request = { clientId: 'id', redirectUri: 'http://127.0.0.1:8976/callback', state: 's' };
    expect(() => authorizationUrl({ ...request, host: 'http://acme.example.com' })).toThrow(CoupaConfigurationError);
    expect(() => authorizationUrl({ ...request, host: 'acme', scopes: ['core invoice'] })).toThrow(/Invalid OAuth scope/);
  });
});
