import { scopesFor } from '../../../shared/catalog';

describe('scopesFor', () => {
  it('core.common.read first, then read scopes, then read+write scopes, without duplicates', () => {
    expect(scopesFor({ read: ['invoices', 'purchase_orders', 'purchase_order_lines'], write: ['suppliers', 'remit_to_addresses'] })).toEqual([
      'core.common.read',
      'core.invoice.read',
      'core.purchase_order.read',
      'core.supplier.read',
      'core.supplier.write',
    ]);
  });

  it('adds offline_access for authorization-code grants only', () => {
    expect(scopesFor({ read: ['users'], grantType: 'authorization_code' })).toEqual(['core.common.read', 'core.user.read', 'offline_access']);
    expect(scopesFor({ read: ['users'], grantType: 'client_credentials' })).toEqual(['core.common.read', 'core.user.read']);
  });

  it('needs at least core.common.read, and rejects unknown objects', () => {
    expect(scopesFor({})).toEqual(['core.common.read']);
    expect(() => scopesFor({ read: ['invoicez'] })).toThrow(/Unknown Coupa object "invoicez"/);
  });
});
