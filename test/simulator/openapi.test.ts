import { catalog } from '../../shared/catalog';
import { loadOpenApi, refName, type Schema } from '../../shared/openapi';

describe('OpenAPI view (derived from the R39 files by scripts/derive-openapi.ts)', () => {
  it('holds the paths of all six files and the definitions the catalog reaches', () => {
    const spec = loadOpenApi();
    expect(Object.keys(spec.paths).length).toBeGreaterThan(400);
    expect(Object.keys(spec.definitions).length).toBeGreaterThan(200);
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

  it('is closed: every catalog definition and every $ref inside the kept definitions resolves', () => {
    const spec = loadOpenApi();
    for (const o of catalog)
      expect({ object: o.key, found: Boolean(spec.definitions[o.definition]) }).toEqual({ object: o.key, found: true });
    const refs = (schema: Schema): string[] => [schema.$ref, schema.items?.$ref].filter((r): r is string => Boolean(r));
    for (const def of Object.values(spec.definitions)) {
      for (const prop of Object.values(def.properties ?? {}))
        for (const ref of refs(prop)) expect(() => spec.resolveRef(ref)).not.toThrow();
    }
  });
});
