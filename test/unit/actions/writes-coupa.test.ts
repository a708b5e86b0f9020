import { parseActionInput, writesCoupa } from '../../../shared/actions';

describe('writesCoupa: does a parsed action change Coupa (and so get made idempotent by its key)?', () => {
  it.each([
    ['get', { object: 'invoices', id: 1 }, false],
    ['query', { object: 'invoices' }, false],
    ['Get', { object: 'invoices', id: 1 }, false],
    ['create', { object: 'suppliers', data: { name: 'Acme' } }, true],
    ['update', { object: 'suppliers', id: 1, data: { name: 'Acme' } }, true],
    ['mark_exported', { object: 'invoices', id: 1 }, true],
    ['mark-exported', { object: 'invoices', id: 1 }, true],
    ['submit', { object: 'invoices', id: 1 }, true],
    ['request', { method: 'GET', path: 'invoices' }, false],
    ['request', { method: 'get', path: 'invoices' }, false],
    ['request', { method: 'PUT', path: 'invoices/1', body: {} }, true],
    ['request', { method: 'DELETE', path: 'invoices/1' }, true],
    ['attach', { object: 'invoices', id: 1, file: { path: '/tmp/scan.pdf' } }, true],
  ] as const)('%s %j → %s', (action, input, expected) => {
    expect(writesCoupa(parseActionInput(action, input))).toBe(expected);
  });
});
