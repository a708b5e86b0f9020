// parseActionInput: what valid inputs become (normalised, plain data) — no Coupa involved.
import { parseActionInput } from '../../../shared/actions';
import { OPERATORS } from '../../../shared/coupa';

describe('parseActionInput: normalised results', () => {
  it('get by id: catalog key, path, defaults', () => {
    expect(parseActionInput('get', { object: 'Purchase-Orders', id: '12' })).toEqual({
      kind: 'get',
      object: 'purchase_orders',
      path: 'purchase_orders',
      id: 12,
      returnType: 'default',
    });
  });

  it('action names are case- and dash-insensitive', () => {
    expect(parseActionInput(' Mark-Exported ', { object: 'invoices', id: 1 })).toMatchObject({ kind: 'mark_exported' });
    expect(parseActionInput('SOFT-CLOSE-FOR-RECEIVING', { object: 'purchase_order_lines', id: 1 })).toMatchObject({
      kind: 'special',
      action: 'soft_close_for_receiving',
    });
  });

  it('get by natural key: dashed, dotted or bracketed attributes become an exact-match query', () => {
    expect(
      parseActionInput('get', {
        object: 'invoices',
        naturalKey: { invoice_number: 'INV-1', 'supplier[name]': 'Acme, Inc.' },
        fields: '["id"]',
      }),
    ).toEqual({
      kind: 'get',
      object: 'invoices',
      path: 'invoices',
      returnType: 'default',
      fields: ['id'],
      naturalKey: { 'invoice-number': 'INV-1', 'supplier.name': 'Acme, Inc.' },
      filters: { invoice_number: 'INV-1', supplier: { name: 'Acme, Inc.' } },
    });
    expect(
      parseActionInput('get', {
        object: 'exchange_rates',
        naturalKey: { 'from-currency.code': 'EUR', 'to-currency.code': 'USD', 'rate-date': '2026-01-01' },
      }),
    ).toMatchObject({
      filters: { from_currency: { code: 'EUR' }, to_currency: { code: 'USD' }, rate_date: '2026-01-01' },
    });
  });

  it('query: defaults, nested parent path, bracket keys expanded and merged', () => {
    expect(
      parseActionInput('query', {
        object: 'supplier_sites',
        parent: { 'supplier-id': 12 },
        query: { filters: { 'name[contains]': 'North', name: { not_eq: 'Old' }, active: true }, orderBy: 'updated_at', dir: 'desc' },
        returnType: 'shallow',
      }),
    ).toEqual({
      kind: 'query',
      object: 'supplier_sites',
      path: 'suppliers/12/supplier_sites',
      parent: { param: 'supplier_id', id: 12 },
      filters: { name: { contains: 'North', not_eq: 'Old' }, active: true },
      limit: 50,
      offset: 0,
      orderBy: 'updated_at',
      dir: 'desc',
      returnType: 'shallow',
    });
  });

  it('query: every operator of the client is accepted', () => {
    const value = (op: string) => (op === 'in' || op === 'not_in' ? ['a', 'b'] : op === 'blank' ? true : 'a');
    for (const op of OPERATORS) {
      expect(parseActionInput('query', { object: 'suppliers', query: { filters: { name: { [op]: value(op) } } } })).toMatchObject({
        kind: 'query',
      });
    }
  });

  it('query: the input is not changed by normalisation', () => {
    const input = { object: 'suppliers', query: { filters: { supplier: { name: 'a' }, 'supplier[id]': 3 } } };
    const copy = structuredClone(input);
    expect(parseActionInput('query', input)).toMatchObject({ filters: { supplier: { name: 'a', id: 3 } } });
    expect(input).toEqual(copy);
  });

  it('remit-to addresses: the primary path needs the supplier, the invoice path works too', () => {
    expect(parseActionInput('get', { object: 'remit_to_addresses', id: 3, parent: { supplier_id: 9 } })).toMatchObject({
      path: 'suppliers/9/addresses',
    });
    expect(parseActionInput('query', { object: 'remit_to_addresses', parent: { invoice_id: 4 } })).toMatchObject({
      path: 'invoices/4/remit_to_addresses',
    });
  });

  it('create: custom fields from every alias merged under custom-fields, dashed names kept, legacy keys untouched', () => {
    expect(
      parseActionInput('create', {
        object: 'expense_lines',
        data: {
          description: 'Taxi',
          'custom-field-1': 'legacy',
          customFields: { 'cf-trip': 'T-1' },
          custom_fields: { cf_under: 'kept as is' },
        },
        returnType: 'none',
        idempotencyKey: 'run-7:line-1',
      }),
    ).toEqual({
      kind: 'create',
      object: 'expense_lines',
      path: 'expense_lines',
      data: { description: 'Taxi', 'custom-field-1': 'legacy', 'custom-fields': { 'cf-trip': 'T-1', cf_under: 'kept as is' } },
      returnType: 'none',
      idempotencyKey: 'run-7:line-1',
    });
  });

  it('create purchase order lines: through the order, parent from parent or data', () => {
    const expected = {
      kind: 'create',
      object: 'purchase_order_lines',
      path: 'purchase_order_lines',
      parent: { param: 'purchase_order_id', id: 5 },
      data: { quantity: 1 },
      via: { object: 'purchase_orders', path: 'purchase_orders', id: 5, field: 'order-lines' },
      returnType: 'default',
    };
    expect(parseActionInput('create', { object: 'purchase_order_lines', parent: { purchase_order_id: 5 }, data: { quantity: 1 } })).toEqual(
      expected,
    );
    expect(parseActionInput('create', { object: 'purchase_order_lines', data: { order_header_id: '5', quantity: 1 } })).toEqual(expected);
    expect(
      parseActionInput('create', {
        object: 'purchase_order_lines',
        parent: { order_header_id: 5 },
        data: { 'order-header-id': 5, quantity: 1 },
      }),
    ).toEqual(expected);
  });

  it('mark_exported: a small reply unless the caller shapes it', () => {
    expect(parseActionInput('mark_exported', { object: 'invoices', id: 4 })).toEqual({
      kind: 'mark_exported',
      object: 'invoices',
      path: 'invoices',
      id: 4,
      returnType: 'default',
      fields: ['id', 'exported', 'last-exported-at'],
    });
    expect(parseActionInput('mark_exported', { object: 'invoices', id: 4, returnType: 'default' })).not.toHaveProperty('fields');
    expect(parseActionInput('mark_exported', { object: 'invoices', id: 4, returnType: 'none' })).not.toHaveProperty('fields');
  });

  it('special actions: member with params, collection without id, the catalog’s method', () => {
    expect(parseActionInput('reject', { object: 'approvals', id: 7, params: { reason: 'late' } })).toEqual({
      kind: 'special',
      object: 'approvals',
      path: 'approvals',
      action: 'reject',
      method: 'PUT',
      id: 7,
      params: { reason: 'late' },
      returnType: 'default',
    });
    expect(parseActionInput('create_alert', { object: 'integration_errors', data: { 'integration-run-id': 1 } })).toMatchObject({
      method: 'POST',
      id: null,
      path: 'integration_errors',
    });
    // integration history records have no export flag: their mark_exported is a special action.
    expect(parseActionInput('mark_exported', { object: 'integration_history_records', data: { 'document-id': 1 } })).toMatchObject({
      kind: 'special',
      method: 'POST',
      id: null,
    });
  });

  it('request: paths normalised below /api/, method upper-cased, bracket query keys expanded', () => {
    expect(
      parseActionInput('request', { method: 'put', path: '/api/invoices/5/', query: { 'status[in]': ['a', 'b'] }, body: { a: 1 } }),
    ).toEqual({
      kind: 'request',
      method: 'PUT',
      path: 'invoices/5',
      query: { status: { in: ['a', 'b'] } },
      body: { a: 1 },
    });
    for (const [given, path] of [
      ['invoices/5/retrieve_image_scan', 'invoices/5/retrieve_image_scan'],
      ['api/suppliers', 'suppliers'],
      ['/api/suppliers/12/addresses', 'suppliers/12/addresses'],
      ['lookup_values/v1.2~x', 'lookup_values/v1.2~x'],
    ] as const) {
      expect(parseActionInput('request', { method: 'GET', path: given })).toMatchObject({ path });
    }
  });

  it('limits at the edge: 64 KB strings, limit 10000, 255-character keys pass', () => {
    expect(
      parseActionInput('update', { object: 'suppliers', id: 1, data: { name: 'x'.repeat(65_536) }, idempotencyKey: 'k'.repeat(255) }),
    ).toMatchObject({ kind: 'update' });
    expect(parseActionInput('query', { object: 'suppliers', query: { limit: 10_000, offset: 0 } })).toMatchObject({ limit: 10_000 });
  });
});

describe('parseActionInput: hostile keys', () => {
  it('refuses __proto__ anywhere and never touches Object.prototype', () => {
    const inputs: [string, unknown][] = [
      ['query', JSON.parse('{"object":"suppliers","query":{"filters":{"__proto__":{"polluted":"yes"}}}}')],
      ['query', { object: 'suppliers', query: { filters: { '__proto__[polluted]': 'yes' } } }],
      ['query', { object: 'suppliers', query: { filters: { 'supplier[__proto__][polluted]': 'yes' } } }],
      ['update', JSON.parse('{"object":"suppliers","id":1,"data":{"customFields":{"__proto__":{"polluted":"yes"}}}}')],
      ['request', { method: 'GET', path: 'suppliers', query: { '__proto__[polluted]': 'yes' } }],
    ];
    for (const [action, input] of inputs) {
      expect(() => parseActionInput(action, input)).toThrow(
        expect.objectContaining({ name: 'Coupa.Validation', message: expect.stringMatching(/__proto__/) }),
      );
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('attribute names that exist on Object.prototype are ordinary names', () => {
    expect(
      parseActionInput('query', { object: 'suppliers', query: { filters: { constructor: 'x', 'toString[name]': 'y' } } }),
    ).toMatchObject({
      filters: { constructor: 'x', toString: { name: 'y' } },
    });
  });
});
