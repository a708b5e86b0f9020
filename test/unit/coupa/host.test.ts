import { CoupaConfigurationError, isLoopback, resolveHost } from '../../../shared/coupa';

describe('resolveHost', () => {
  it.each([
    ['acme', 'https://acme.coupahost.com', 'acme'],
    ['  acme-test ', 'https://acme-test.coupahost.com', 'acme-test'],
    ['acme.coupacloud.com', 'https://acme.coupacloud.com', 'acme'],
    ['acme.coupahost.com/', 'https://acme.coupahost.com', 'acme'],
    ['https://acme.coupahost.com', 'https://acme.coupahost.com', 'acme'],
    ['https://acme.coupahost.com/', 'https://acme.coupahost.com', 'acme'],
    ['https://acme.coupahost.com/api', 'https://acme.coupahost.com', 'acme'],
    ['https://acme.coupahost.com/api/', 'https://acme.coupahost.com', 'acme'],
    ['https://acme.coupahost.com//api//', 'https://acme.coupahost.com', 'acme'],
    ['HTTPS://ACME.COUPAHOST.COM/API', 'https://acme.coupahost.com', 'acme'],
    ['https://proxy.example.com/coupa/api', 'https://proxy.example.com/coupa', 'proxy.example.com'],
    ['https://acme.coupahost.com:8443', 'https://acme.coupahost.com:8443', 'acme'],
    ['http://localhost:4010', 'http://localhost:4010', 'localhost'],
    ['http://127.0.0.1:4010/api/', 'http://127.0.0.1:4010', '127.0.0.1'],
    ['http://127.8.9.10', 'http://127.8.9.10', '127.8.9.10'],
    ['http://127.1:80', 'http://127.0.0.1', '127.0.0.1'],
    ['http://[::1]:4010', 'http://[::1]:4010', '[::1]'],
  ])('%j → %s', (input, baseUrl, instance) => {
    const host = resolveHost(input);
    expect(host.baseUrl).toBe(baseUrl);
    expect(host.apiUrl).toBe(`${baseUrl}/api/`);
    expect(host.tokenUrl).toBe(`${baseUrl}/oauth2/token`);
    expect(host.instance).toBe(instance);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['http://acme.coupahost.com', /plain http.*https:\/\/acme\.coupahost\.com/],
    ['http://10.0.0.1:8080', /plain http/],
    ['http://128.0.0.1', /plain http/],
    ['http://localhost.evil.com', /plain http/],
    ['http://127.0.0.1.nip.io', /plain http/],
    ['ftp://acme.coupahost.com', /must be an https/],
    ['https://user:hunter2@acme.coupahost.com', /credentials/],
    ['acme:hunter2@acme.coupahost.com', /credentials/],
    ['https://acme.coupahost.com/api?x=1', /query string or fragment/],
    ['https://acme.coupahost.com/#frag', /query string or fragment/],
    ['https://acme.coupahost.com/?', /query string or fragment/],
    ['https://exa mple.com', /not a valid/],
  ])('rejects %j', (input, message) => {
    const act = () => resolveHost(input);
    expect(act).toThrow(CoupaConfigurationError);
    expect(act).toThrow(message);
    try {
      act();
    } catch (error) {
      expect((error as Error).name).toBe('Coupa.Configuration');
      // Credentials never echo back.
      expect((error as Error).message).not.toMatch(/hunter2/);
    }
  });

  it('recognises loopback hosts only', () => {
    expect(['localhost', '127.0.0.1', '127.255.255.254', '[::1]'].every(isLoopback)).toBe(true);
    expect(['localhost.com', '127.0.0.256', '10.0.0.1', '[::2]', '0.0.0.0'].some(isLoopback)).toBe(false);
  });
});
