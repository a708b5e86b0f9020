import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { catalog } from '../../../shared/catalog';
import { type CoupaEventEntry, EVENT_RETURN_TYPES, type EventReturnType } from '../../../shared/events';
import { startSimulator, type Simulator } from '../../../shared/simulator';
import { pollEntries } from '../../support/real-events';

// The committed files, matched by title = detail type, in Ajv's strict mode (no union types besides null).
const dir = path.resolve(__dirname, '../../../shared/events/schemas');
const ajv = new Ajv({ strict: true, allErrors: true });
const validators = new Map<string, ValidateFunction>();
for (const file of readdirSync(dir)) {
  const schema = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { title: string };
  validators.set(schema.title, ajv.compile(schema));
}
const triggers = catalog.filter((o) => o.capabilities.trigger);

let sim: Simulator;
const events = new Map<string, CoupaEventEntry[]>();
beforeAll(async () => {
  sim = await startSimulator({ records: 4, rateLimit: false });
  for (const object of triggers)
    for (const returnType of EVENT_RETURN_TYPES) events.set(`${object.key}/${returnType}`, await pollEntries(sim, object, returnType));
}, 120_000);
afterAll(() => sim?.close());

const detailOf = (key: string, returnType: EventReturnType) => {
  const entry = events.get(`${key}/${returnType}`)![0]!;
  return { validate: validators.get(entry.DetailType)!, detail: JSON.parse(entry.Detail) as { data: Record<string, unknown> } };
};

describe('event schemas against real events', () => {
  it('compile in strict mode, one per detail type', () => {
    expect(validators.size).toBe(2 * triggers.length + 3);
  });

  it.each(triggers.flatMap((o) => EVENT_RETURN_TYPES.map((r) => [o.key, r] as const)))(
    'validate every %s event with return type %s',
    (key, returnType) => {
      const entries = events.get(`${key}/${returnType}`)!;
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        const validate = validators.get(entry.DetailType);
        expect(validate).toBeDefined();
        const ok = validate!(JSON.parse(entry.Detail));
        expect(validate!.errors ?? []).toEqual([]);
        expect(ok).toBe(true);
      }
    },
  );

  it('type the record: a number as invoice-number, a string as an id or a boolean, an object as a decimal are rejected', () => {
    const { validate, detail } = detailOf('invoices', 'default');
    expect(validate(detail)).toBe(true);
    for (const [field, wrong] of [
      ['invoice-number', 12345],
      ['id', '5'],
      ['exported', 'yes'],
      ['gross-total', { amount: 1 }],
      ['currency', 'USD'],
      ['invoice-lines', { id: 1 }],
    ] as const) {
      expect(validate({ ...detail, data: { ...detail.data, [field]: wrong } })).toBe(false);
    }
    const shallow = detailOf('invoices', 'shallow');
    expect(shallow.validate({ ...shallow.detail, data: { ...shallow.detail.data, 'invoice-number': 12345 } })).toBe(false);
    expect(shallow.validate({ ...shallow.detail, data: { ...shallow.detail.data, supplier: { id: 'x' } } })).toBe(false);
  });

  it('type associations as nested objects: a string as a supplier name inside an invoice is fine, a number is not', () => {
    const { validate, detail } = detailOf('invoices', 'default');
    expect(validate({ ...detail, data: { ...detail.data, supplier: { id: 4, name: 'Acme' } } })).toBe(true);
    expect(validate({ ...detail, data: { ...detail.data, supplier: { id: 4, name: 42 } } })).toBe(false);
  });

  it('allow nulls, fields Coupa adds later and any custom fields', () => {
    const { validate, detail } = detailOf('invoices', 'default');
    const loose = {
      ...detail.data,
      'invoice-number': null,
      supplier: null,
      'a-field-from-r40': [1, 'x'],
      'custom-fields': { 'cf-any': { nested: true } },
    };
    expect(validate({ ...detail, data: loose })).toBe(true);
  });

  it('keep limited events to what the poller asks for', () => {
    const { validate, detail } = detailOf('invoices', 'limited');
    expect(Object.keys(detail.data).sort()).toEqual(['created-at', 'id', 'updated-at']);
    expect(validate(detail)).toBe(true);
    expect(validate({ ...detail, data: { ...detail.data, 'invoice-number': 'INV-1' } })).toBe(false);
  });

  it('select the data type by metadata.returnType: a shallow record is no limited record', () => {
    const { validate, detail } = detailOf('invoices', 'shallow');
    const metadata = (detail as unknown as { metadata: Record<string, unknown> }).metadata;
    expect(validate({ ...detail, metadata: { ...metadata, returnType: 'limited' } })).toBe(false);
  });
});
