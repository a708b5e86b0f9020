import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { catalog, getObject } from '../../../shared/catalog';
import { allDetailSchemas, claimCheckDetail, detailSchemaOf, entryOf, inlineDetail, toUtcSecond } from '../../../shared/events';

const ctx = { instance: 'acme', source: 'coupa.acme', returnType: 'default' as const, runId: 'run-1' };
const invoices = getObject('invoices');
const ajv = new Ajv({ allErrors: true, strict: true });
const validate = (schema: Record<string, unknown>, value: unknown) => (ajv.getSchema(schema.$id as string) ?? ajv.compile(schema))(value);

describe('event envelope', () => {
  it('builds the design.md contract for an updated record, with the instant in UTC', () => {
    const record = {
      id: 123,
      'created-at': '2026-11-01T10:00:00-07:00',
      'updated-at': '2026-11-27T00:00:00-08:00',
      'custom-fields': { 'cf-x': 1 },
    };
    const entry = entryOf(invoices, inlineDetail(invoices, record, 'updated', ctx), ctx.source);
    expect(entry).toMatchObject({ Source: 'coupa.acme', DetailType: 'Coupa Invoice Updated', Time: '2026-11-27T08:00:00Z' });
    const detail = JSON.parse(entry.Detail);
    expect(detail).toEqual({
      metadata: {
        schemaVersion: '1',
        eventId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        instance: 'acme',
        object: 'invoices',
        recordId: 123,
        updatedAt: '2026-11-27T08:00:00Z',
        change: 'updated',
        returnType: 'default',
        idempotencyKey: 'acme:invoices:123:2026-11-27T08:00:00Z',
        runId: 'run-1',
        payload: 'inline',
      },
      data: record,
    });
    expect(validate(detailSchemaOf(invoices, 'updated'), detail)).toBe(true);
  });

  it('takes the change kind from the poller: metadata.change and the detail type agree', () => {
    // An edited record (created-at before updated-at) the poller publishes for the first time is Created.
    const record = { id: 7, 'created-at': '2026-03-08T01:59:59-08:00', 'updated-at': '2026-03-08T03:00:00-07:00' };
    const entry = entryOf(invoices, inlineDetail(invoices, record, 'created', ctx), ctx.source);
    expect(entry.DetailType).toBe('Coupa Invoice Created');
    expect(JSON.parse(entry.Detail).metadata).toMatchObject({ change: 'created', updatedAt: '2026-03-08T10:00:00Z' });
    expect(toUtcSecond('2026-11-01T01:30:00-07:00')).toBe('2026-11-01T08:30:00Z');
    expect(() => toUtcSecond('yesterday')).toThrow(/Not an ISO-8601 instant/);
  });

  it('gives the same version the same event id (whatever its change kind or run) and different versions different ids', () => {
    const a = inlineDetail(invoices, { id: 5, 'updated-at': '2026-11-27T08:00:00Z' }, 'updated', ctx);
    const b = inlineDetail(invoices, { id: 5, 'updated-at': '2026-11-27T08:00:00Z' }, 'created', { ...ctx, runId: 'run-2' });
    const c = inlineDetail(invoices, { id: 5, 'updated-at': '2026-11-27T08:00:01Z' }, 'updated', ctx);
    expect(a.metadata.eventId).toBe(b.metadata.eventId);
    expect(a.metadata.eventId).not.toBe(c.metadata.eventId);
  });

  it('validates claim-check events and rejects an event with both data and dataRef', () => {
    const ref = { bucket: 'b', key: 'k', bytes: 300000, sha256: 'a'.repeat(64) };
    const detail = claimCheckDetail(inlineDetail(invoices, { id: 9, 'updated-at': '2026-11-27T08:00:00Z' }, 'updated', ctx), ref);
    const schema = detailSchemaOf(invoices, 'updated');
    expect(validate(schema, detail)).toBe(true);
    expect(validate(schema, { ...detail, data: { id: 9, 'updated-at': 'x' } })).toBe(false);
    expect(validate(schema, { metadata: detail.metadata })).toBe(false);
  });

  it('has one committed schema file per detail type, identical to what the catalog generates (npm run schemas)', () => {
    const dir = path.resolve(__dirname, '../../../shared/events/schemas');
    const generated = allDetailSchemas(catalog);
    expect(readdirSync(dir).sort()).toEqual([...generated.keys()].sort());
    for (const [name, schema] of generated) expect(JSON.parse(readFileSync(path.join(dir, name), 'utf8'))).toEqual(schema);
    expect(generated.size).toBe(2 * catalog.filter((o) => o.capabilities.trigger).length + 3); // + the bus command's three
  });
});
