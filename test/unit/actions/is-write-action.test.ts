import { isWriteAction } from '../../../shared/actions';

describe('isWriteAction', () => {
  it.each([
    ['get', undefined, false],
    ['query', { object: 'invoices' }, false],
    ['Get', undefined, false],
    ['create', { object: 'suppliers' }, true],
    ['update', undefined, true],
    ['mark_exported', { object: 'invoices', id: 1 }, true],
    ['mark-exported', undefined, true],
    ['submit', { object: 'invoices', id: 1 }, true],
    ['approve', undefined, true],
    ['request', { method: 'GET', path: 'invoices' }, false],
    ['request', { method: 'get', path: 'invoices' }, false],
    ['request', { method: 'PUT', path: 'invoices/1' }, true],
    ['request', { method: 'DELETE', path: 'invoices/1' }, true],
    ['request', {}, true], // unreadable: the safe side
    ['request', undefined, true],
    ['', undefined, true],
  ] as const)('%s %j → %s', (action, input, expected) => {
    expect(isWriteAction(action, input)).toBe(expected);
  });
});
