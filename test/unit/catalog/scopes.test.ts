import { catalog, getObject, scopesFor } from '../../../shared/catalog';

describe('scopesFor', () => {
  it('reads by default; with actions also writes, once each', () => {
    const objects = ['invoices', 'suppliers', 'supplier_sites'].map(getObject);
    expect(scopesFor(objects)).toEqual(['core.invoice.read', 'core.supplier.read']);
    expect(scopesFor(objects, { actions: true })).toEqual(['core.invoice.read', 'core.invoice.write', 'core.supplier.read', 'core.supplier.write']);
  });

  it('adds what parents need: the parent’s read scope for objects served under it, its write scope for creates through it', () => {
    const remit = getObject('remit_to_addresses');
    const parent = getObject(remit.parentParam!.parent);
    expect(scopesFor([remit])).toEqual([...new Set([remit.scopes.read, parent.scopes.read])]);
    const lines = getObject('purchase_order_lines');
    expect(scopesFor([lines], { actions: true })).toEqual(expect.arrayContaining([lines.scopes.read, getObject(lines.createVia!.parent).scopes.write]));
  });
});
