import { HTTPError, TimeoutError } from 'ky';
import {
  CoupaError,
  CoupaNotFoundError,
  CoupaValidationError,
  isCoupaError,
  isCoupaNotFoundError,
  isCoupaRateLimitedError,
  isCoupaUnknownOutcomeError,
  isCoupaValidationError,
} from '../../../shared/coupa';
import { parseErrorBody } from '../../../shared/coupa/error-body';
import { type ErrorContext, toCoupaError } from '../../../shared/coupa/to-coupa-error';

const put: ErrorContext = { method: 'PUT', path: '/api/suppliers/12' };

describe('parseErrorBody', () => {
  it.each<[string, unknown, string[]]>([
    [
      'Coupa model-keyed errors',
      '{"errors":{"user":["Login has already been taken","Email has already been taken"]}}',
      ['Login has already been taken', 'Email has already been taken'],
    ],
    ['several models', { errors: { invoice: ['A'], 'invoice-lines': ['B', 'A'] } }, ['A', 'B']],
    ['a plain array', '{"errors":["Something went wrong"]}', ['Something went wrong']],
    ['a string', '{"errors":"Only one"}', ['Only one']],
    ['message objects', '{"errors":[{"message":"m1","code":7}]}', ['m1']],
    [
      'OAuth error with description',
      '{"error":"invalid_client","error_description":"Client authentication failed"}',
      ['Client authentication failed'],
    ],
    ['OAuth error code only', '{"error":"invalid_grant"}', ['invalid_grant']],
    ['message field', '{"message":"Internal error"}', ['Internal error']],
    [
      'XML',
      '<?xml version="1.0"?><errors><error>Name can&apos;t be blank</error><error><![CDATA[A & B]]></error></errors>',
      ["Name can't be blank", 'A & B'],
    ],
    ['short plain text', 'Service Unavailable', ['Service Unavailable']],
    ['an HTML page', '<html><body><h1>502 Bad Gateway</h1></body></html>', []],
    ['empty', '', []],
    ['JSON null', 'null', []],
    ['whitespace collapsed', '{"errors":["  a \\n b  "]}', ['a b']],
  ])('%s', (_name, body, messages) => {
    expect(parseErrorBody(body).messages).toEqual(messages);
  });

  it('reports the OAuth error code', () => {
    expect(parseErrorBody('{"error":"invalid_scope"}').oauthError).toBe('invalid_scope');
  });

  it('caps the number and length of messages', () => {
    const many = parseErrorBody({ errors: { x: Array.from({ length: 30 }, (_, i) => `m${i}`) } }).messages;
    expect(many).toHaveLength(21);
    expect(many.at(-1)).toBe('…and 10 more');
    const long = parseErrorBody({ errors: ['x'.repeat(2000)] }).messages[0]!;
    expect(long.length).toBe(500);
  });
});

describe('toCoupaError', () => {
  it('words a validation failure as the brief shows', () => {
    const error = toCoupaError(
      { status: 400, body: JSON.stringify({ errors: { supplier: ["Name can't be blank", 'Number has already been taken'] } }) },
      put,
    );
    expect(error).toBeInstanceOf(CoupaValidationError);
    expect(error.name).toBe('Coupa.Validation');
    expect(error.message).toBe("Coupa rejected PUT /api/suppliers/12: Name can't be blank; Number has already been taken (HTTP 400)");
    expect(error).toMatchObject({
      status: 400,
      method: 'PUT',
      path: '/api/suppliers/12',
      coupaMessages: ["Name can't be blank", 'Number has already been taken'],
    });
  });

  it.each([
    [400, 'Coupa.Validation'],
    [405, 'Coupa.Validation'],
    [413, 'Coupa.Validation'],
    [422, 'Coupa.Validation'],
    [401, 'Coupa.Unauthorized'],
    [403, 'Coupa.Forbidden'],
    [404, 'Coupa.NotFound'],
    [409, 'Coupa.Conflict'],
    [429, 'Coupa.RateLimited'],
    [408, 'Coupa.Transient'],
    [500, 'Coupa.Transient'],
    [502, 'Coupa.Transient'],
    [503, 'Coupa.Transient'],
    [504, 'Coupa.Transient'],
    [501, 'Coupa.Transient'],
  ])('HTTP %i → %s', (status, name) => {
    const error = toCoupaError({ status, body: '{"errors":{"invoice":["msg"]}}' }, { method: 'GET', path: '/api/invoices/1' });
    expect(error.name).toBe(name);
    expect(error.status).toBe(status);
    expect(error.coupaMessages).toEqual(['msg']);
    expect(error.message).toContain('GET /api/invoices/1');
    expect(error.message).toContain(`HTTP ${status}`);
    expect(error.message).toContain('msg');
    expect(isCoupaError(error)).toBe(true);
  });

  it('gives an actionable message without Coupa messages', () => {
    expect(toCoupaError({ status: 422 }, put).message).toBe(
      "Coupa rejected PUT /api/suppliers/12 (HTTP 422) without saying why: check the request against the object's fields",
    );
    expect(toCoupaError({ status: 404 }, { method: 'GET', path: '/api/invoices/9' }).message).toBe(
      'Coupa found nothing at GET /api/invoices/9 (HTTP 404): check the object and the id',
    );
    expect(toCoupaError({ status: 403 }, put).message).toMatch(/lacks a scope or permission/);
  });

  it('carries Retry-After and attempts on 429', () => {
    const error = toCoupaError(
      { status: 429, headers: new Headers({ 'Retry-After': '7' }) },
      { method: 'GET', path: '/api/x', attempts: 6 },
    );
    expect(isCoupaRateLimitedError(error)).toBe(true);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.attempts).toBe(6);
    expect(error.message).toBe('Coupa rate-limited GET /api/x (HTTP 429) after 6 attempts; Coupa asked to wait 7 s');
  });

  it('names a failed POST Coupa.UnknownOutcome: not resent, outcome unknown; a PUT the caller marks unsafe too', () => {
    const error = toCoupaError({ status: 502 }, { method: 'POST', path: '/api/invoices', attempts: 1 });
    expect(error.name).toBe('Coupa.UnknownOutcome');
    expect(error.message).toMatch(/outcome is unknown.*not resent: check Coupa .* before sending it again/);
    const unsafePut = toCoupaError({ status: 504 }, { method: 'PUT', path: '/api/purchase_orders/1', attempts: 1, idempotent: false });
    expect(unsafePut.name).toBe('Coupa.UnknownOutcome');
    const safePost = toCoupaError({ status: 504 }, { method: 'POST', path: '/api/x', attempts: 3, idempotent: true });
    expect(safePost.name).toBe('Coupa.Transient');
    const get = toCoupaError({ status: 502 }, { method: 'GET', path: '/api/invoices', attempts: 6 });
    expect(get.message).toBe('Coupa failed to process GET /api/invoices (HTTP 502) after 6 attempts; usually temporary, try again later');
  });

  it('maps timeouts without keeping the request (it holds the bearer token)', () => {
    const request = new Request('https://acme.coupahost.com/api/invoices', { method: 'POST', headers: { Authorization: 'Bearer SECRET' } });
    const error = toCoupaError(new TimeoutError(request), { method: 'POST', path: '/api/invoices', timeoutMs: 30000, attempts: 1 });
    expect(isCoupaUnknownOutcomeError(error)).toBe(true);
    expect(error.message).toBe(
      'Coupa did not answer POST /api/invoices within 30000 ms; the outcome is unknown (Coupa may have applied it), so it was not resent: check Coupa (e.g. get the record by its natural key) before sending it again',
    );
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify(error)).not.toContain('SECRET');
  });

  it('maps network errors by code', () => {
    const reset = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    });
    const error = toCoupaError(reset, { method: 'GET', path: '/api/x', attempts: 6 });
    expect(error.name).toBe('Coupa.Transient');
    expect(error.message).toBe('GET /api/x failed: the connection was reset (ECONNRESET) after 6 attempts; try again later');
    expect(error.cause).toBe(reset);

    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    expect(toCoupaError(refused, { method: 'POST', path: '/api/x' }).message).toMatch(/refused.*never reached Coupa/);
    const dns = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
    expect(toCoupaError(dns, { method: 'GET', path: '/api/x' }).message).toMatch(/does not resolve.*check the host setting/);
  });

  it('maps ky HTTPError without a body read', () => {
    const response = new Response('', { status: 404 });
    const request = new Request('https://a.coupahost.com/api/x');
    const error = toCoupaError(new HTTPError(response, request, {} as never), { method: 'GET', path: '/api/x' });
    expect(error).toBeInstanceOf(CoupaNotFoundError);
  });

  it('passes Coupa errors through unchanged', () => {
    const original = new CoupaValidationError('x');
    expect(toCoupaError(original, put)).toBe(original);
  });

  describe('token endpoint (RFC 6749 bodies)', () => {
    const token: ErrorContext = {
      method: 'POST',
      path: '/oauth2/token',
      endpoint: 'token',
      grantType: 'client_credentials',
      scopes: ['core.common.read', 'core.invoice.read'],
      secrets: ['s3cr3t-value', 'refresh-abc123'],
    };
    it.each([
      [401, 'invalid_client', 'Coupa.Unauthorized', /rejected the OAuth client \(invalid_client\).*check the client id and secret/],
      [400, 'invalid_grant', 'Coupa.Unauthorized', /client credentials grant/],
      [400, 'invalid_request', 'Coupa.Validation', /rejected the token request \(invalid_request\)/],
      [400, 'unsupported_grant_type', 'Coupa.Validation', /unsupported_grant_type/],
      [400, 'invalid_scope', 'Coupa.Validation', /scopes \(invalid_scope\).*core\.common\.read core\.invoice\.read/],
      [400, 'unauthorized_client', 'Coupa.Forbidden', /enable that grant type/],
      [401, undefined, 'Coupa.Unauthorized', /OAuth client \(HTTP 401\)/],
    ])('HTTP %i %s → %s', (status, code, name, message) => {
      const body = code ? JSON.stringify({ error: code }) : '';
      const error = toCoupaError({ status, body }, token);
      expect(error.name).toBe(name);
      expect(error.message).toMatch(message);
    });

    it('words invalid_grant by grant type', () => {
      const refresh = toCoupaError({ status: 400, body: '{"error":"invalid_grant"}' }, { ...token, grantType: 'refresh_token' });
      expect(refresh.message).toMatch(/refresh token.*90 days.*authorise the OAuth client again/);
      const code = toCoupaError({ status: 400, body: '{"error":"invalid_grant"}' }, { ...token, grantType: 'authorization_code' });
      expect(code.message).toMatch(/authorization code.*redirect URI/);
    });

    it('scrubs secrets Coupa echoes back', () => {
      const body = JSON.stringify({ error: 'invalid_grant', error_description: 'refresh token refresh-abc123 unknown for s3cr3t-value' });
      const error = toCoupaError({ status: 400, body }, token);
      expect(error.message).not.toMatch(/refresh-abc123|s3cr3t-value/);
      expect(error.coupaMessages.join()).toContain('REDACTED');
    });

    it('treats 5xx and 429 as transient and rate-limited', () => {
      expect(toCoupaError({ status: 503 }, token).name).toBe('Coupa.Transient');
      expect(toCoupaError({ status: 429 }, token).name).toBe('Coupa.RateLimited');
    });
  });
});

describe('type guards', () => {
  it('match by class and by name', () => {
    const real = new CoupaNotFoundError('x');
    const revived = Object.assign(new Error('x'), { name: 'Coupa.NotFound' });
    expect(isCoupaNotFoundError(real)).toBe(true);
    expect(isCoupaNotFoundError(revived)).toBe(true);
    expect(isCoupaValidationError(real)).toBe(false);
    expect(isCoupaError(new Error('x'))).toBe(false);
    expect(isCoupaError('Coupa.NotFound')).toBe(false);
    expect(real).toBeInstanceOf(CoupaError);
    expect(real).toBeInstanceOf(Error);
  });

  it('keep only known fields on the error', () => {
    expect(Object.keys(new CoupaNotFoundError('x', { status: 404, method: 'GET', path: '/api/x' })).sort()).toEqual(
      ['coupaMessages', 'method', 'name', 'path', 'status'].sort(),
    );
  });
});
