import { catalog, findObject, getObject, operationsOf, fillPath, memberPath } from '../../../shared/catalog';
import { loadOpenApi } from '../../../shared/openapi';
import { designTable } from './design-table';

const openApi = loadOpenApi();

describe('object catalog', () => {
  it('has exactly the 25 objects of design.md, each once', () => {
    expect(catalog.map((o) => o.key).sort()).toEqual(Object.keys(designTable).sort());
    expect(new Set(catalog.map((o) => o.title)).size).toBe(25);
  });

  it.each(catalog.map((o) => [o.key, o] as const))('%s offers at least the capabilities of the design table', (key, o) => {
    const floor = designTable[key]!;
    for (const cap of ['trigger', 'query', 'create', 'update'] as const) {
      if (floor[cap]) expect({ key, cap, offered: o.capabilities[cap] }).toEqual({ key, cap, offered: true });
    }
  });

  it('keeps the table’s deliberate exclusions: approvals are decided, never created or edited', () => {
    expect(getObject('approvals').capabilities).toMatchObject({ create: false, update: false });
    expect(getObject('approvals').actions.map((a) => a.name)).toEqual(expect.arrayContaining(['approve', 'reject', 'hold']));
  });

  it.each(catalog.flatMap((o) => operationsOf(o).map((op) => [o.key, op.method, op.path, op.use] as const)))(
    '%s: %s %s (%s) exists in the R39 OpenAPI files or is a documented gap',
    (key, method, path) => {
      const object = getObject(key);
      const gap = object.specGaps.find((g) => g.method === method && g.path === path);
      if (gap) {
        expect(gap.source).toMatch(/Compass (\d{4}|Attachments API)/);
        expect(openApi.hasOperation(method, path)).toBe(false); // a gap that the spec now has should be removed
      } else {
        expect(openApi.hasOperation(method, path)).toBe(true);
      }
    },
  );

  it.each(catalog.map((o) => [o.key, o] as const))('%s names a real OpenAPI definition with its change and key fields', (_key, o) => {
    const definition = openApi.definitions[o.definition] as { properties?: Record<string, unknown> } | undefined;
    expect(definition?.properties).toBeDefined();
    const props = Object.keys(definition!.properties!);
    expect(props).toEqual(expect.arrayContaining(['id', 'created-at', o.changeField]));
    for (const key of o.naturalKeys.flat()) expect({ key, known: props.includes(key.split('.')[0]!) }).toEqual({ key, known: true });
  });

  it('declares the special actions users expect from Coupa', () => {
    const actions = (key: string) => getObject(key).actions.map((a) => a.name);
    expect(actions('invoices')).toEqual(expect.arrayContaining(['submit', 'void']));
    expect(actions('purchase_orders')).toEqual(expect.arrayContaining(['issue', 'cancel', 'close']));
    expect(actions('integration_runs')).toEqual(expect.arrayContaining(['run', 'success', 'fail']));
    expect(
      catalog
        .filter((o) => o.exportFlag)
        .map((o) => o.key)
        .sort(),
    ).toEqual(['expense_reports', 'inventory_transactions', 'invoices', 'purchase_orders', 'requisitions']);
  });

  it('lists the objects that take attachments (R39 OpenAPI, plus expense reports and users from Compass)', () => {
    expect(
      catalog
        .filter((o) => o.attachments)
        .map((o) => o.key)
        .sort(),
    ).toEqual([
      'contracts',
      'expense_reports',
      'inventory_transactions',
      'invoices',
      'purchase_order_lines',
      'purchase_orders',
      'requisitions',
      'users',
    ]);
    expect(getObject('invoices').attachments).toEqual({ path: '/invoices/{invoice_id}/attachments', param: 'invoice_id' });
    expect(fillPath(getObject('users').attachments!.path, { user_id: 3 })).toBe('/users/3/attachments');
    expect(getObject('suppliers').attachments).toBeUndefined();
  });

  it('describes nested-only and embedded objects so one generic path can serve them', () => {
    expect(getObject('remit_to_addresses').parentParam).toEqual({ param: 'supplier_id', parent: 'suppliers', parentField: 'supplier-id' });
    expect(getObject('purchase_order_lines').createVia).toMatchObject({ parent: 'purchase_orders', field: 'order-lines' });
    for (const o of catalog) {
      for (const nested of o.nestedPaths) expect(findObject(nested.parent)).toBeDefined();
      if (o.parentParam) expect(findObject(o.parentParam.parent)).toBeDefined();
    }
  });

  it('looks objects up by key, dashed or not, and names the known keys when one is unknown', () => {
    expect(findObject('purchase-orders')?.key).toBe('purchase_orders');
    expect(() => getObject('invoice')).toThrow(/Unknown Coupa object "invoice"\. Known objects: accounts, addresses/);
  });

  it('fills path templates, encoding values and refusing missing ones', () => {
    expect(fillPath(memberPath('/suppliers/{supplier_id}/addresses'), { supplier_id: 3, id: 'a/b' })).toBe('/suppliers/3/addresses/a%2Fb');
    expect(() => fillPath('/suppliers/{supplier_id}/addresses', {})).toThrow(/needs a value for supplier_id/);
  });
});
