import { CoupaValidationError, normalizeScopes, redactSecrets, reportedPath } from '../../../shared/coupa';
import { idSegment, normalizeResourcePath } from '../../../shared/coupa/path';

describe('normalizeResourcePath', () => {
  it.each([
    ['invoices', 'invoices'],
    ['/invoices', 'invoices'],
    ['/api/invoices/', 'invoices'],
    ['api/suppliers/12/addresses', 'suppliers/12/addresses'],
    ['invoices/5/submit', 'invoices/5/submit'],
  ])('%s → %s', (path, expected) => {
    expect(normalizeResourcePath(path)).toBe(expected);
  });

  it.each([
    ['', /empty/],
    ['/', /empty/],
    ['invoices?status=x', /query option/],
    ['suppliers/{supplier_id}/addresses', /placeholders/],
    ['../oauth2/token', /segments/],
    ['invoices//5', /segments/],
    ['https://evil.example.com/api/x', /segments/],
    ['invoices/ 5', /segments/],
  ])('rejects %j', (path, message) => {
    expect(() => normalizeResourcePath(path)).toThrow(CoupaValidationError);
    expect(() => normalizeResourcePath(path)).toThrow(message);
  });

  it('checks ids', () => {
    expect(idSegment(12)).toBe('12');
    expect(idSegment('S-1 a')).toBe('S-1%20a');
    expect(() => idSegment(0)).toThrow(/positive integers/);
    expect(() => idSegment(1.5)).toThrow(/positive integers/);
    expect(() => idSegment('a/b')).toThrow(CoupaValidationError);
    expect(() => idSegment('..')).toThrow(CoupaValidationError);
  });
});

describe('reportedPath', () => {
  it('keeps path and query, drops origin, redacts secrets', () => {
    expect(reportedPath('https://user:pw@acme.coupahost.com/api/invoices?status[in]=a,b#x')).toBe('/api/invoices?status[in]=a,b');
    expect(
      reportedPath('https://acme.coupahost.com/oauth2/token?client_id=c&client_secret=s&code=abc&refresh_token=r&access_token=t'),
    ).toBe('/oauth2/token?client_id=c&client_secret=REDACTED&code=REDACTED&refresh_token=REDACTED&access_token=REDACTED');
    expect(reportedPath('/api/x?Client_Secret=s')).toBe('/api/x?Client_Secret=REDACTED');
  });
});

describe('redactSecrets', () => {
  it('replaces secret values and their URL-encoded forms', () => {
    expect(redactSecrets('a s3cr3t/+x b s3cr3t%2F%2Bx', ['s3cr3t/+x', undefined, 'ab'])).toBe('a REDACTED b REDACTED');
  });
});

describe('normalizeScopes', () => {
  it('always includes core.common.read, first, without duplicates', () => {
    expect(normalizeScopes(undefined)).toEqual(['core.common.read']);
    expect(normalizeScopes(['core.invoice.read', 'core.common.read', 'core.invoice.read'])).toEqual([
      'core.common.read',
      'core.invoice.read',
    ]);
    expect(normalizeScopes('core.invoice.read  core.supplier.write')).toEqual([
      'core.common.read',
      'core.invoice.read',
      'core.supplier.write',
    ]);
  });

  it('rejects malformed scopes', () => {
    expect(() => normalizeScopes(['core.invoice.read core.x'])).toThrow(/Invalid OAuth scope/);
    expect(() => normalizeScopes([''])).toThrow(/Invalid OAuth scope/);
  });
});
