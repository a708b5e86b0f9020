import { addsNestedRecords } from '../../../shared/actions/run';

describe('addsNestedRecords: may a write be resent after an unknown outcome?', () => {
  it.each([
    ['a PO line without an id (Coupa adds it)', { 'order-lines': [{ 'line-num': 3, description: 'new' }] }, true],
    ['one new line among edited ones', { 'order-lines': [{ id: 1, quantity: 2 }, { description: 'new' }] }, true],
    ['a nested new record deeper down', { 'invoice-lines': [{ id: 4, 'account-allocations': [{ amount: 5 }] }] }, true],
    ['edits of existing lines by id', { 'order-lines': [{ id: 7, quantity: 2 }] }, false],
    ['plain fields', { name: 'x', 'custom-fields': { 'cf-a': 1 } }, false],
    ['arrays of plain values (multi-select custom fields)', { 'custom-fields': { regions: ['EU', 'US'] } }, false],
    ['an association by id', { supplier: { id: 3 } }, false],
    ['no body', undefined, false],
  ])('%s', (_what, data, expected) => {
    expect(addsNestedRecords(data)).toBe(expected);
  });
});
