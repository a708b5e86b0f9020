import { HTTPError, TimeoutError } from 'ky';
import { CoupaConfigurationError } from '../../../shared/coupa';
import { normalizeHttpOptions, normalizeRetryOptions } from '../../../shared/coupa/options';
import { classifyFailure, decideRetry, type Failure, isIdempotent } from '../../../shared/coupa/retry';
import { readRetryAfter } from '../../../shared/coupa/retry-timing';

const status = (code: number, headers: Record<string, string> = {}): Failure =>
  classifyFailure(new HTTPError(new Response('', { status: code, headers }), new Request('https://a.coupahost.com/api/x'), {} as never));
const policy = (method: string) => ({ idempotent: isIdempotent(method), maxRetryAfterMs: 60_000 });
const network = (code?: string) =>
  classifyFailure(Object.assign(new TypeError('fetch failed'), code ? { cause: Object.assign(new Error(code), { code }) } : {}));

describe('decideRetry', () => {
  it.each<[string, Failure, string, string]>([
    ['429 without Retry-After, GET', status(429), 'GET', 'backoff'],
    ['429 without Retry-After, POST', status(429), 'POST', 'backoff'],
    ['429 with Retry-After, POST', status(429, { 'Retry-After': '3' }), 'POST', 'retry-after'],
    ['429 with a too-long Retry-After', status(429, { 'Retry-After': '3600' }), 'GET', 'fail'],
    ['429 with a garbage Retry-After', status(429, { 'Retry-After': 'soon' }), 'GET', 'backoff'],
    ['500 GET', status(500), 'GET', 'backoff'],
    ['502 PUT', status(502), 'PUT', 'backoff'],
    ['503 PATCH', status(503), 'PATCH', 'backoff'],
    ['504 DELETE', status(504), 'DELETE', 'backoff'],
    ['503 with Retry-After GET', status(503, { 'Retry-After': '1' }), 'GET', 'retry-after'],
    ['408 GET', status(408), 'GET', 'backoff'],
    ['500 POST', status(500), 'POST', 'fail'],
    ['503 POST even with Retry-After', status(503, { 'Retry-After': '1' }), 'POST', 'fail'],
    ['501 GET', status(501), 'GET', 'fail'],
    ['400 GET', status(400), 'GET', 'fail'],
    ['401 GET (handled by the token refresh)', status(401), 'GET', 'fail'],
    ['403 GET', status(403), 'GET', 'fail'],
    ['404 GET', status(404), 'GET', 'fail'],
    ['409 PUT', status(409), 'PUT', 'fail'],
    ['timeout GET', { kind: 'timeout' }, 'GET', 'backoff'],
    ['timeout POST', { kind: 'timeout' }, 'POST', 'fail'],
    ['reset GET', network('ECONNRESET'), 'GET', 'backoff'],
    ['reset PUT', network('UND_ERR_SOCKET'), 'PUT', 'backoff'],
    ['reset POST', network('ECONNRESET'), 'POST', 'fail'],
    ['refused GET', network('ECONNREFUSED'), 'GET', 'backoff'],
    ['unknown host GET', network('ENOTFOUND'), 'GET', 'fail'],
    ['network error without a code', network(), 'GET', 'backoff'],
    ['abort', { kind: 'aborted' }, 'GET', 'fail'],
    ['other', { kind: 'other' }, 'GET', 'fail'],
  ])('%s → %s', (_name, failure, method, decision) => {
    expect(decideRetry(failure, policy(method))).toBe(decision);
  });
});

describe('decideRetry with a deadline', () => {
  const withTime = (method: string, remainingMs: number, backoffMs = 500) => ({ ...policy(method), remainingMs, backoffMs });

  it.each<[string, Failure, string, number, number, string]>([
    ['backoff that fits with a second to spare', status(503), 'GET', 1_500, 500, 'backoff'],
    ['backoff that leaves less than a second for the attempt', status(503), 'GET', 1_499, 500, 'deadline'],
    ['timeout, backoff too long for the time left', { kind: 'timeout' }, 'GET', 10_000, 15_000, 'deadline'],
    ['Retry-After that fits', status(429, { 'Retry-After': '2' }), 'POST', 3_000, 500, 'retry-after'],
    [
      'Retry-After longer than the time left (a short backoff would fit, but Coupa asked)',
      status(429, { 'Retry-After': '5' }),
      'POST',
      4_000,
      500,
      'deadline',
    ],
    ['503 Retry-After longer than the time left', status(503, { 'Retry-After': '5' }), 'GET', 4_000, 500, 'deadline'],
    ['a failure that is not retried stays a plain fail', status(500), 'POST', 60_000, 500, 'fail'],
    ['a 400 with no time left is still a plain fail', status(400), 'GET', 0, 500, 'fail'],
  ])('%s → %s', (_name, failure, method, remainingMs, backoffMs, decision) => {
    expect(decideRetry(failure, withTime(method, remainingMs, backoffMs))).toBe(decision);
  });
});

describe('classifyFailure', () => {
  it('recognises ky, undici and abort errors', () => {
    expect(classifyFailure(new TimeoutError(new Request('https://a.coupahost.com')))).toEqual({ kind: 'timeout' });
    expect(network('ECONNRESET')).toEqual({ kind: 'network', code: 'ECONNRESET', notSent: false });
    expect(network('ECONNREFUSED')).toEqual({ kind: 'network', code: 'ECONNREFUSED', notSent: true });
    expect(classifyFailure(new DOMException('x', 'AbortError'))).toEqual({ kind: 'aborted' });
    expect(classifyFailure(new RangeError('bug'))).toEqual({ kind: 'other' });
    expect(classifyFailure('string')).toEqual({ kind: 'other' });
    expect(status(429, { 'Retry-After': '2' })).toEqual({ kind: 'status', status: 429, retryAfter: { kind: 'wait', ms: 2000 } });
  });
});

describe('readRetryAfter', () => {
  const now = Date.parse('2026-11-27T08:00:00Z');
  it.each<[Record<string, string>, unknown]>([
    [{}, { kind: 'absent' }],
    [{ 'Retry-After': '' }, { kind: 'absent' }],
    [{ 'Retry-After': '2' }, { kind: 'wait', ms: 2000 }],
    [{ 'Retry-After': '0.25' }, { kind: 'wait', ms: 250 }],
    [{ 'Retry-After': '0' }, { kind: 'wait', ms: 0 }],
    [{ 'Retry-After': '-3' }, { kind: 'wait', ms: 0 }],
    [{ 'Retry-After': 'Fri, 27 Nov 2026 08:00:05 GMT' }, { kind: 'wait', ms: 5000 }],
    [{ 'Retry-After': 'Fri, 27 Nov 2026 07:00:00 GMT' }, { kind: 'wait', ms: 0 }],
    [{ 'Retry-After': 'soon' }, { kind: 'invalid', header: 'Retry-After' }],
    [{ 'RateLimit-Reset': '4' }, { kind: 'wait', ms: 4000 }],
    [{ 'X-RateLimit-Reset': String(now / 1000 + 9) }, { kind: 'wait', ms: 9000 }],
    [
      { 'Retry-After': '1', 'X-RateLimit-Reset': '9' },
      { kind: 'wait', ms: 1000 },
    ],
  ])('%j → %j', (headers, expected) => {
    expect(readRetryAfter(new Headers(headers), now)).toEqual(expected);
  });
});

describe('retry options', () => {
  it('fills defaults', () => {
    expect(normalizeRetryOptions()).toEqual({ limit: 5, backoffBaseMs: 500, backoffLimitMs: 15000, maxRetryAfterMs: 60000, jitter: true });
    expect(normalizeRetryOptions(2).limit).toBe(2);
    expect(normalizeRetryOptions({ limit: undefined, jitter: false })).toMatchObject({ limit: 5, jitter: false });
    const http = normalizeHttpOptions();
    expect(http.timeoutMs).toBe(30000);
    expect(http.userAgent).toBe('coupa-connector');
  });

  it.each([
    [{ limit: -1 }, /retry.limit/],
    [{ limit: 1.5 }, /retry.limit/],
    [{ backoffBaseMs: -5 }, /retry.backoffBaseMs/],
    [{ maxRetryAfterMs: Number.NaN }, /retry.maxRetryAfterMs/],
    [{ jitter: 'yes' as unknown as boolean }, /retry.jitter/],
  ])('rejects %j', (retry, message) => {
    expect(() => normalizeRetryOptions(retry)).toThrow(CoupaConfigurationError);
    expect(() => normalizeRetryOptions(retry)).toThrow(message);
  });

  it('rejects bad HTTP options', () => {
    expect(() => normalizeHttpOptions({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => normalizeHttpOptions({ userAgent: 'bad\nagent' })).toThrow(/userAgent/);
  });

  it('treats GET, PUT, PATCH and DELETE as idempotent, POST not', () => {
    expect(['GET', 'put', 'PATCH', 'DELETE'].every(isIdempotent)).toBe(true);
    expect(isIdempotent('POST')).toBe(false);
  });
});

describe('classifyFailure of foreign errors', () => {
  it('does not mistake programming errors with codes for network failures', () => {
    expect(classifyFailure(Object.assign(new TypeError('bad arg'), { code: 'ERR_INVALID_ARG_TYPE' }))).toEqual({ kind: 'other' });
    expect(classifyFailure(Object.assign(new Error('x'), { code: 'ResourceNotFoundException' }))).toEqual({ kind: 'other' });
    // A Coupa error (say, from the token endpoint) was retried where it happened: never again here.
    const fromToken = Object.assign(new Error('x'), { name: 'Coupa.Transient', cause: { code: 'ECONNRESET' } });
    expect(classifyFailure(fromToken)).toEqual({ kind: 'other' });
    // ky wraps errors from another realm (jest's vm, here) in a NonError holding the original.
    const wrapped = Object.assign(new Error('fetch failed'), {
      name: 'NonError',
      value: Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }),
    });
    expect(classifyFailure(wrapped)).toEqual({ kind: 'network', code: 'ECONNRESET', notSent: false });
    expect(classifyFailure(Object.assign(new TypeError('fetch failed'), { cause: { code: 'EAI_AGAIN' } }))).toEqual({
      kind: 'network',
      code: 'EAI_AGAIN',
      notSent: true,
    });
  });
});
