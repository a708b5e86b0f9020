import { catalog, type CatalogObject } from '../../shared/catalog';
import type { Simulator } from '../../shared/simulator';
import { ModelRegistry } from '../../shared/simulator/model';
import { client, getToken, startTestSimulator } from './helpers';

type Row = Record<string, any> & { id: number };

/** A body with just the fields a create needs, built from the simulator's own model of the object. */
function minimalBody(models: ModelRegistry, key: string): Row {
  const model = models.get(key)!;
  const body: Record<string, unknown> = {};
  for (const field of model.required) {
    const prop = model.schema.properties.get(field)!;
    if (prop.type === 'ref') body[field] = { id: 1 };
    else if (prop.type === 'scalar') {
      if (prop.enum?.length) body[field] = prop.enum[0];
      else if (prop.kind === 'integer') body[field] = 1;
      else if (prop.kind === 'decimal' || prop.kind === 'float') body[field] = '1.00';
      else if (prop.kind === 'boolean') body[field] = true;
      else if (prop.kind === 'datetime') body[field] = '2026-11-01T00:00:00Z';
      else body[field] = `Sim ${field} ${key}`.slice(0, prop.maxLength ?? 255);
    }
  }
  return body as Row;
}

/** The collection path with a parent id filled in (remit-to addresses live under a supplier). */
const collectionPath = (o: CatalogObject, parentId: number) => o.path.replace(/\{[^}]+\}/, String(parentId));

describe('simulator covers every catalog object', () => {
  let sim: Simulator;
  let api: ReturnType<typeof client>;
  const models = new ModelRegistry();

  beforeAll(async () => {
    sim = await startTestSimulator({ records: 5 });
    api = client(sim, await getToken(sim));
  });
  afterAll(() => sim.close());

  it('has all 25 objects', () => {
    expect(sim.control.objects().sort()).toEqual(catalog.map((o) => o.key).sort());
  });

  it.each(catalog.map((o) => [o.key, o] as const))('%s: list, get, and the writes its capabilities allow', async (key, o) => {
    let path = collectionPath(o, 1);
    let list = await api.get<Row[]>(path);
    for (let parentId = 2; list.body.length === 0 && parentId <= 5; parentId++) {
      path = collectionPath(o, parentId); // a parent-only object: find a parent with children
      list = await api.get<Row[]>(path);
    }
    expect(list.status).toBe(200);
    expect(list.body.length).toBeGreaterThan(0);
    const first = list.body[0]!;
    expect(Object.keys(first).slice(0, 3)).toEqual(['id', 'created-at', 'updated-at']);
    expect(first['updated-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$/);
    if (key !== 'supplier_information') expect(first).toHaveProperty('custom-fields');
    expect((await api.get<Row>(`${path}/${first.id}`)).body.id).toBe(first.id);

    if (o.capabilities.create && !o.createVia) {
      const created = await api.post<Row>(path, minimalBody(models, key));
      expect({ key, status: created.status, body: created.status === 201 ? 'ok' : created.body }).toEqual({ key, status: 201, body: 'ok' });
      if (o.createStatus) expect(created.body.status).toBe(o.createStatus);
      if (o.capabilities.update) {
        const updated = await api.put<Row>(`${path}/${created.body.id}`, { custom_fields: { 'cf-sim': 'x' } });
        expect(updated.status).toBe(200);
        expect(updated.body['custom-fields']?.['cf-sim'] ?? 'x').toBe('x');
      }
    }
    for (const nested of o.nestedPaths) {
      const reply = await api.get(nested.path.replace(/\{[^}]+\}/, '1'));
      expect(reply.status).toBe(200);
    }
  });
});
