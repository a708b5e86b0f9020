import { getObject } from '../../../shared/catalog';
import { discoverCustomFields, documentedKeys, fieldSchema, typeOfValue } from '../../../shared/events/custom-fields';

const invoices = getObject('invoices');

describe('custom field discovery from sampled records', () => {
  it('types each value as Coupa sends it', () => {
    expect(typeOfValue('ERP-1')).toBe('string');
    expect(typeOfValue('2026-11-27T08:00:00+01:00')).toBe('date-time');
    expect(typeOfValue(3)).toBe('integer');
    expect(typeOfValue(3.5)).toBe('number');
    expect(typeOfValue(true)).toBe('boolean');
    expect(typeOfValue({ id: 4, name: 'EU', 'external-ref-num': 'eu' })).toBe('lookup');
    expect(typeOfValue(['a'])).toBe('array');
    expect(typeOfValue(null)).toBeNull();
  });

  it('finds fields under custom-fields and undocumented root keys, widening types across records', () => {
    expect(documentedKeys(invoices).has('invoice-number')).toBe(true);
    const records = [
      {
        id: 1,
        'invoice-number': 'A',
        'custom-fields': { 'cf-erp': 'E1', 'cf-amount': 3, 'cf-region': { id: 1, name: 'EU' } },
        'legacy-flag': true,
      },
      {
        id: 2,
        'invoice-number': 'B',
        'custom-fields': { 'cf-erp': null, 'cf-amount': 2.5, 'cf-region': { id: 2, name: 'US' } },
        'legacy-flag': false,
      },
      { id: 3, 'invoice-number': 'C', 'custom-fields': { 'cf-erp': 'E3', 'cf-amount': 7, 'cf-when': null } },
    ];
    const found = discoverCustomFields(invoices, records);
    expect(found.sampled).toBe(3);
    expect(found.fields).toEqual([
      { name: 'cf-amount', namespace: 'custom-fields', type: 'number', nullable: false, seen: 3 },
      { name: 'cf-erp', namespace: 'custom-fields', type: 'string', nullable: true, seen: 2 },
      { name: 'cf-region', namespace: 'custom-fields', type: 'lookup', nullable: true, seen: 2 },
      { name: 'cf-when', namespace: 'custom-fields', type: 'untyped', nullable: true, seen: 0 },
      { name: 'legacy-flag', namespace: 'root', type: 'boolean', nullable: true, seen: 2 },
    ]);
  });

  it('gives a conflicting field no type rather than a wrong one', () => {
    const found = discoverCustomFields(invoices, [
      { id: 1, 'custom-fields': { x: 'a' } },
      { id: 2, 'custom-fields': { x: 5 } },
    ]);
    expect(found.fields[0]).toMatchObject({ name: 'x', type: 'untyped' });
    expect(fieldSchema(found.fields[0]!)).not.toHaveProperty('type');
  });

  it('writes each field as JSON Schema, null allowed where it was seen', () => {
    expect(fieldSchema({ name: 'a', namespace: 'custom-fields', type: 'integer', nullable: false, seen: 2 })).toMatchObject({
      type: 'integer',
    });
    expect(fieldSchema({ name: 'a', namespace: 'custom-fields', type: 'date-time', nullable: true, seen: 2 })).toMatchObject({
      type: ['string', 'null'],
      format: 'date-time',
    });
  });
});
