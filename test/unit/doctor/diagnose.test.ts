// diagnose() on failures the simulator cannot produce on loopback (DNS, TLS, timeouts) and on answers
// it does not give (no `scope` in the token answer, no Date header): a fetch that fails or answers the
// way undici and Coupa would.
import { diagnose, formatReport, type DoctorInput } from '../../../shared/doctor';
import type { FetchLike } from '../../../shared/coupa';

const input: DoctorInput = {
  host: 'acme',
  credentials: { clientId: 'client-1', clientSecret: 'very-secret-value', scopes: ['core.invoice.read'] },
  objects: ['invoices'],
};

/** undici's shape: TypeError('fetch failed') with the system error as cause. */
const failingWith =
  (code: string): FetchLike =>
  async () => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error(`${code} acme.coupahost.com`), { code }) });
  };

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

describe('diagnose: findings named with their fix', () => {
  it.each([
    ['ENOTFOUND', /^DNS: acme\.coupahost\.com does not resolve \(ENOTFOUND\): check the host/],
    [
      'CERT_HAS_EXPIRED',
      /^TLS failure talking to acme\.coupahost\.com \(CERT_HAS_EXPIRED\): the certificate is not valid for this host or not trusted/,
    ],
    ['ERR_TLS_CERT_ALTNAME_INVALID', /^TLS failure talking to acme\.coupahost\.com \(ERR_TLS_CERT_ALTNAME_INVALID\)/],
    ['ETIMEDOUT', /^acme\.coupahost\.com did not answer within 15 s \(ETIMEDOUT\): check the host, and that this network may reach it/],
  ])('%s fails the host check and skips the rest', async (code, message) => {
    const report = await diagnose(input, { fetch: failingWith(code) });
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toEqual({ check: 'host', status: 'fail', message: expect.stringMatching(message) });
    expect(report.checks.slice(1).every((c) => c.status === 'skip')).toBe(true);
  });

  it('refuses plain http to a non-loopback host before sending anything', async () => {
    const fetch = jest.fn<ReturnType<FetchLike>, Parameters<FetchLike>>();
    const report = await diagnose({ ...input, host: 'http://acme.coupahost.com' }, { fetch });
    expect(report.checks[0]).toMatchObject({ check: 'host', status: 'fail', message: expect.stringContaining('Coupa is HTTPS only') });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('without a granted-scope list or Date header: relies on the reads, and warns that pollers fall back to the local clock', async () => {
    const sent: { url: string; body?: string; redirect?: string }[] = [];
    const fetch: FetchLike = async (url, init) => {
      sent.push({
        url: String(url),
        ...(init?.body ? { body: String(init.body) } : {}),
        ...(init?.redirect ? { redirect: init.redirect } : {}),
      });
      const path = new URL(String(url)).pathname;
      if (path === '/oauth2/token') {
        const form = new URLSearchParams(String(init?.body));
        return form.has('client_id')
          ? json(200, { access_token: 'tok', token_type: 'bearer', expires_in: 86399 })
          : json(401, { error: 'invalid_client' });
      }
      return json(200, [{ id: 1 }]);
    };
    const report = await diagnose(input, { fetch });
    expect(report.ok).toBe(true);
    expect(formatReport(report)).toEqual([
      'ok    host        https://acme.coupahost.com answers like Coupa (OAuth token endpoint at /oauth2/token)',
      'ok    grant       client credentials grant works: token for client client-1, valid 24 h',
      'ok    granted     Coupa did not list the granted scopes; the reads below show whether core.common.read core.invoice.read work',
      'ok    scope       invoices: read works (core.invoice.read)',
      "WARN  clock       Coupa's answers carry no Date header: pollers fall back to this machine's clock, so lagSeconds must also cover any clock difference",
    ]);
    // The probe carries no client; only the token request has the secret, and nothing follows redirects.
    expect(sent[0]!.body).toBe('grant_type=client_credentials');
    expect(sent.filter((s) => s.body?.includes('very-secret-value')).map((s) => new URL(s.url).pathname)).toEqual(['/oauth2/token']);
    expect(sent.every((s) => s.redirect === 'manual')).toBe(true);
    expect(sent[2]!.url).toBe('https://acme.coupahost.com/api/invoices?limit=1&return_object=limited');
  });

  it.each([
    [
      400,
      { error: 'invalid_scope' },
      /^Coupa refused the requested scopes \(invalid_scope\): core\.common\.read core\.invoice\.read; tick them on the OAuth client/,
    ],
    [
      400,
      { error: 'unauthorized_client' },
      /^the OAuth client may not use the client credentials grant \(unauthorized_client\): enable it/,
    ],
    [503, '<html>down</html>', /^Coupa's token endpoint failed \(HTTP 503\): usually temporary/],
  ])('token answer %s %j is named', async (status, body, message) => {
    const fetch: FetchLike = async (_url, init) => {
      const form = new URLSearchParams(String(init?.body));
      if (!form.has('client_id')) return json(401, { error: 'invalid_client' });
      return typeof body === 'string' ? new Response(body, { status }) : json(status, body);
    };
    const report = await diagnose(input, { fetch });
    expect(report.checks[1]).toEqual({ check: 'grant', status: 'fail', message: expect.stringMatching(message) });
  });
});
