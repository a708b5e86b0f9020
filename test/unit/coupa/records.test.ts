import { CoupaValidationError, customFields, getCustomField, parseCoupaInstant, toUtcIso } from '../../../shared/coupa';

describe('customFields', () => {
  const record = {
    id: 1,
    'custom-field-1': 'legacy one',
    'custom-field-20': null,
    'cf-legacy-code': 'L',
    custom_region: 'EMEA',
    'custom-fields': { 'cf-erp-invoice-number': 'ERP-1', 'cf-legacy-code': 'namespaced wins' },
    status: 'approved',
    'cfo-approved': true,
  };

  it('reads the namespaced hash and legacy top-level keys', () => {
    expect(customFields(record)).toEqual({
      'custom-field-1': 'legacy one',
      'custom-field-20': null,
      'cf-legacy-code': 'namespaced wins',
      custom_region: 'EMEA',
      'cf-erp-invoice-number': 'ERP-1',
    });
  });

  it('takes a list or a predicate for legacy keys', () => {
    expect(customFields(record, ['status'])).toEqual({
      status: 'approved',
      'cf-erp-invoice-number': 'ERP-1',
      'cf-legacy-code': 'namespaced wins',
    });
    expect(customFields({ a: 1, b: 2 }, (key) => key === 'b')).toEqual({ b: 2 });
  });

  it('tolerates records without custom fields and an underscored hash', () => {
    expect(customFields({ id: 1 })).toEqual({});
    expect(customFields({ custom_fields: { x: 1 } })).toEqual({ x: 1 });
  });
});

describe('getCustomField', () => {
  const record = { 'custom-fields': { 'cf-erp-invoice-number': 'ERP-1', zero: 0 }, 'custom-field-3': 'c3', custom_text: 't' };
  it.each([
    ['cf-erp-invoice-number', 'ERP-1'],
    ['cf_erp_invoice_number', 'ERP-1'],
    ['custom_field_3', 'c3'],
    ['custom-field-3', 'c3'],
    ['custom-text', 't'],
    ['zero', 0],
    ['missing', undefined],
  ])('%s → %p', (name, value) => {
    expect(getCustomField(record, name)).toEqual(value);
  });
});

describe('parseCoupaInstant', () => {
  it.each([
    ['2016-10-07T06:59:46-07:00', Date.UTC(2016, 9, 7, 13, 59, 46)],
    ['2016-10-07T06:59:46Z', Date.UTC(2016, 9, 7, 6, 59, 46)],
    ['2016-10-07T06:59:46z', Date.UTC(2016, 9, 7, 6, 59, 46)],
    ['2016-10-07T06:59:46+05:30', Date.UTC(2016, 9, 7, 1, 29, 46)],
    ['2016-10-07T06:59:46+0530', Date.UTC(2016, 9, 7, 1, 29, 46)],
    ['2016-10-07T06:59:46+05', Date.UTC(2016, 9, 7, 1, 59, 46)],
    ['2016-10-07T06:59:46.123456-07:00', Date.UTC(2016, 9, 7, 13, 59, 46, 123)],
    ['2016-10-07 06:59:46 -0700', Date.UTC(2016, 9, 7, 13, 59, 46)],
    ['2016-10-07T06:59-07:00', Date.UTC(2016, 9, 7, 13, 59)],
    ['2016-10-07', Date.UTC(2016, 9, 7)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    // The same instant on both sides of a DST change compares equal.
    ['2026-03-08T01:59:59-08:00', Date.UTC(2026, 2, 8, 9, 59, 59)],
    ['2026-03-08T03:00:00-07:00', Date.UTC(2026, 2, 8, 10, 0, 0)],
  ])('%s', (text, ms) => {
    expect(parseCoupaInstant(text)).toBe(ms);
  });

  it.each([
    ['2016-10-07T06:59:46', /no UTC offset/],
    ['2016-13-01T00:00:00Z', /out of range/],
    ['2023-02-29T00:00:00Z', /out of range/],
    ['2016-10-07T24:00:00Z', /out of range/],
    ['2016-10-07T06:59:46+25:00', /offset is out of range/],
    ['yesterday', /expected ISO-8601/],
    ['', /expected ISO-8601/],
    ['1475848786000', /expected ISO-8601/],
  ])('rejects %j', (text, message) => {
    expect(() => parseCoupaInstant(text)).toThrow(CoupaValidationError);
    expect(() => parseCoupaInstant(text)).toThrow(message);
  });
});

describe('toUtcIso', () => {
  it.each([
    ['2016-10-07T06:59:46-07:00', '2016-10-07T13:59:46Z'],
    ['2016-10-07T06:59:46.5+00:00', '2016-10-07T06:59:46.500Z'],
    ['2016-10-07', '2016-10-07T00:00:00Z'],
  ])('%s → %s', (text, iso) => {
    expect(toUtcIso(text)).toBe(iso);
  });

  it('accepts epoch ms and dates', () => {
    expect(toUtcIso(0)).toBe('1970-01-01T00:00:00Z');
    expect(toUtcIso(new Date('2026-11-27T08:00:00Z'))).toBe('2026-11-27T08:00:00Z');
    expect(() => toUtcIso(Number.NaN)).toThrow(CoupaValidationError);
  });
});
