import { getObject, requiredScopes, scopesFor } from '../../../shared/catalog';

describe('scopesFor', () => {
  it('reads by default; with actions also writes, once each', () => {
    const objects = ['invoices', 'suppliers', 'supplier_sites'].map(getObject);
    expect(scopesFor(objects)).toEqual(['core.invoice.read', 'core.supplier.read']);
    expect(scopesFor(objects, { actions: true })).toEqual([
      'core.invoice.read',
      'core.invoice.write',
      'core.supplier.read',
      'core.supplier.write',
    ]);
  });

  it('adds what parents need: the parent’s read scope for objects served under it, its write scope for creates through it', () => {
    const remit = getObject('remit_to_addresses');
    const parent = getObject(remit.parentParam!.parent);
    expect(scopesFor([remit])).toEqual([...new Set([remit.scopes.read, parent.scopes.read])]);
    const lines = getObject('purchase_order_lines');
    expect(scopesFor([lines], { actions: true })).toEqual(
      expect.arrayContaining([lines.scopes.read, getObject(lines.createVia!.parent).scopes.write]),
    );
  });
});

describe('requiredScopes (a whole configuration)', () => {
  it('core.common.read first, then read scopes, then read+write scopes, without duplicates', () => {
    expect(
      requiredScopes({ read: ['invoices', 'purchase_orders', 'purchase_order_lines'], write: ['suppliers', 'remit_to_addresses'] }),
    ).toEqual(['core.common.read', 'core.invoice.read', 'core.purchase_order.read', 'core.supplier.read', 'core.supplier.write']);
  });

  it('adds offline_access for authorization-code grants only', () => {
    expect(requiredScopes({ read: ['users'], grantType: 'authorization_code' })).toEqual([
      'core.common.read',
      'core.user.read',
      'offline_access',
    ]);
    expect(requiredScopes({ read: ['users'], grantType: 'client_credentials' })).toEqual(['core.common.read', 'core.user.read']);
  });

  it('needs at least core.common.read, and rejects unknown objects', () => {
    expect(requiredScopes({})).toEqual(['core.common.read']);
    expect(() => requiredScopes({ read: ['invoicez'] })).toThrow(/Unknown Coupa object "invoicez"/);
  });
});
