import { findOpenApiDir, loadOpenApi, refName } from '../support/openapi';

describe('OpenAPI loader', () => {
  it('merges the six R39 files', () => {
    const spec = loadOpenApi();
    expect(Object.keys(spec.paths).length).toBeGreaterThan(400);
    expect(Object.keys(spec.definitions).length).toBeGreaterThan(250);
    expect(spec.definitions.InvoiceHeader?.properties?.['invoice-number']).toMatchObject({ type: 'string', format: 'string(40)' });
    expect(spec.definitions.ExpenseReport).toBeDefined(); // from the Expense Reporting file
    expect(spec.definitions.InventoryTransaction).toBeDefined(); // from the Inventory file
  });

  it('answers hasOperation with any placeholder names and an optional /api prefix', () => {
    const spec = loadOpenApi();
    expect(spec.hasOperation('GET', '/invoices')).toBe(true);
    expect(spec.hasOperation('post', '/invoices')).toBe(false);
    expect(spec.hasOperation('PUT', '/invoices/{id}/submit')).toBe(true);
    expect(spec.hasOperation('PUT', '/suppliers/{parent}/addresses/{x}')).toBe(true);
    expect(spec.hasOperation('GET', '/api/purchase_order_lines/{id}')).toBe(true);
    expect(spec.hasOperation('GET', '/nothing')).toBe(false);
  });

  it('resolves $refs and caches the merged view', () => {
    const spec = loadOpenApi();
    expect(refName('#/definitions/Supplier')).toBe('Supplier');
    expect(spec.resolveRef('#/definitions/Supplier').schema).toBe(spec.definitions.Supplier);
    expect(() => spec.resolveRef('#/definitions/Nope')).toThrow(/Nope/);
    expect(loadOpenApi()).toBe(spec);
  });

  it('finds the files beside the repository, or where COUPA_OPENAPI_DIR says', () => {
    expect(findOpenApiDir()).toMatch(/shared[\\/]coupa-openapi-r39$/);
    const saved = process.env.COUPA_OPENAPI_DIR;
    process.env.COUPA_OPENAPI_DIR = '/tmp/elsewhere';
    try {
      expect(findOpenApiDir()).toBe('/tmp/elsewhere');
    } finally {
      if (saved === undefined) delete process.env.COUPA_OPENAPI_DIR;
      else process.env.COUPA_OPENAPI_DIR = saved;
    }
  });
});
