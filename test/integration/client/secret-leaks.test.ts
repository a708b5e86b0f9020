// Secrets never leave through errors: an echoing token endpoint (every encoding, past the message
// truncation), redirecting token and API endpoints (never followed, so no credential reaches another
// origin), a malformed stored token, and errors raised inside the client. Real HTTP servers on loopback.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoupaClient, requestToken, type TokenProvider } from '../../../shared/coupa';

const SECRET = 's3cr3t!value(with)parens~*';
const CLIENT_ID = 'client-echo';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}
interface TestServer {
  readonly url: string;
  readonly received: Received[];
  close(): Promise<void>;
}

async function serve(answer: (req: Received, res: ServerResponse) => void): Promise<TestServer> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      answer(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Everything an error exposes: name, message, stack, own fields and its causes. */
function exposed(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const err = e as Error;
    parts.push(String(err.name), String(err.message), String(err.stack), JSON.stringify(err, Object.getOwnPropertyNames(err)));
  }
  return parts.join('\n');
}

/** The secret in the forms an endpoint can echo it, and a prefix that truncation would leave. */
const FORMS = [
  SECRET,
  encodeURIComponent(SECRET),
  's3cr3t%21value%28with%29parens%7E*', // form-encoded (URLSearchParams)
  's3cr3t%21value%28with%29parens%7E%2A', // RFC 3986 strict
  Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64'),
  Buffer.from(SECRET).toString('base64'),
  's3cr3t',
];

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );

describe('secrets never reach errors', () => {
  it('an echoing token endpoint: no form of the client secret in the error, even past the truncation point', async () => {
    const echo = await serve((req, res) => {
      // The form-encoded secret in the echoed body straddles the 500-character message limit: truncating
      // before redacting would leave its first 8 characters.
      const padding = 'x'.repeat(500 - ' you sent '.length - `client_id=${CLIENT_ID}&client_secret=`.length - 8);
      const described = `${padding} you sent ${req.body} with ${req.headers.authorization ?? 'no basic'} raw ${SECRET} basic ${FORMS[4]} strict ${FORMS[3]}`;
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_request', error_description: described }));
    });
    try {
      const error = await failureOf(
        requestToken({ host: echo.url, grantType: 'client_credentials', clientId: CLIENT_ID, clientSecret: SECRET }),
      );
      expect((error as Error).name).toBe('Coupa.Validation');
      expect(echo.received[0]!.body).toContain('s3cr3t%21value%28with%29parens%7E*'); // the endpoint did echo the form-encoded secret
      const text = exposed(error);
      for (const form of FORMS) expect({ form, leaked: text.includes(form) }).toEqual({ form, leaked: false });
    } finally {
      await echo.close();
    }
  });

  it('a token endpoint that redirects elsewhere: not followed, the other origin receives nothing, the error names the redirect', async () => {
    const elsewhere = await serve((_req, res) => res.end('{"access_token":"stolen"}'));
    const redirecting = await serve((_req, res) => {
      res.writeHead(307, { Location: `${elsewhere.url}/collect?client_secret=${encodeURIComponent(SECRET)}` });
      res.end();
    });
    try {
      const error = await failureOf(
        requestToken({ host: redirecting.url, grantType: 'client_credentials', clientId: CLIENT_ID, clientSecret: SECRET }),
      );
      expect(elsewhere.received).toEqual([]);
      expect(redirecting.received).toHaveLength(1); // and not retried
      expect(error).toMatchObject({
        name: 'Coupa.Configuration',
        message: expect.stringContaining(`redirect (HTTP 307) to ${elsewhere.url}/collect?client_secret=REDACTED`),
      });
      const text = exposed(error);
      for (const form of FORMS) expect({ form, leaked: text.includes(form) }).toEqual({ form, leaked: false });
    } finally {
      await Promise.all([elsewhere.close(), redirecting.close()]);
    }
  });

  it('an API endpoint that redirects: the bearer token is not sent to the other origin', async () => {
    const elsewhere = await serve((_req, res) => res.end('[]'));
    const api = await serve((_req, res) => {
      res.writeHead(302, { Location: `${elsewhere.url}/api/suppliers` });
      res.end();
    });
    const tokens: TokenProvider = { getToken: async () => 'valid.bearer-token_1' };
    try {
      const client = new CoupaClient({ host: api.url, tokenProvider: tokens });
      const error = await failureOf(client.list('suppliers', { limit: 1 }));
      expect(elsewhere.received).toEqual([]);
      expect(api.received[0]!.headers.authorization).toBe('Bearer valid.bearer-token_1');
      expect(error).toMatchObject({ name: 'Coupa.Configuration', message: expect.stringContaining(`to ${elsewhere.url}/api/suppliers`) });
    } finally {
      await Promise.all([elsewhere.close(), api.close()]);
    }
  });

  it('a malformed stored token fails as Coupa.Configuration without quoting the token, and nothing is sent', async () => {
    const api = await serve((_req, res) => res.end('[]'));
    const malformed = `${SECRET}\r\nX-Injected: 1`;
    const client = new CoupaClient({ host: api.url, tokenProvider: { getToken: async () => malformed } });
    try {
      const error = await failureOf(client.list('suppliers', { limit: 1 }));
      expect(error).toMatchObject({ name: 'Coupa.Configuration', message: expect.stringContaining('malformed') });
      expect(exposed(error)).not.toContain('s3cr3t');
      expect(api.received).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('an error raised inside the client is named, its message (which may quote input) is not echoed', async () => {
    const client = new CoupaClient({
      host: 'http://127.0.0.1:9',
      tokenProvider: { getToken: async () => 'valid-token' },
      fetch: async () => {
        throw new TypeError(`cannot send header value Bearer ${SECRET}`);
      },
      retry: 0,
    });
    const error = await failureOf(client.list('suppliers', { limit: 1 }));
    expect(error).toMatchObject({ name: 'Coupa.Transient', message: expect.stringContaining('failed inside the client (TypeError)') });
    expect(exposed(error)).not.toContain('s3cr3t');
  });
});
