// The generated TypeScript types and zod schemas: in step with the record shapes, and parsing real
// events through Powertools' EventBridge envelope.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from '@aws-lambda-powertools/parser';
import { EventBridgeEnvelope } from '@aws-lambda-powertools/parser/envelopes/eventbridge';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { getObject } from '../../../shared/catalog';
import { type CoupaEventEntry, EVENT_RETURN_TYPES } from '../../../shared/events';
import { eventTypesSource, eventZodSource } from '../../../shared/events/codegen';
import type { CoupaInvoiceCreated } from '../../../shared/events/generated';
import { CoupaInvoiceCreatedSchema, CoupaInvoiceUpdatedSchema, CoupaSupplierUpdatedSchema } from '../../../shared/events/generated';
import { startSimulator, type Simulator } from '../../../shared/simulator';
import { pollEntries } from '../../support/real-events';

const generated = path.resolve(__dirname, '../../../shared/events/generated');

/** An EventBridge event as a Lambda target receives it. */
const eventOf = (entry: CoupaEventEntry) => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': entry.DetailType,
  source: entry.Source,
  account: '111122223333',
  time: entry.Time,
  region: 'eu-west-1',
  resources: [],
  detail: JSON.parse(entry.Detail),
});

let sim: Simulator;
const entries: CoupaEventEntry[] = [];
beforeAll(async () => {
  sim = await startSimulator({ records: 3, rateLimit: false });
  for (const returnType of EVENT_RETURN_TYPES) entries.push(...(await pollEntries(sim, getObject('invoices'), returnType)));
}, 60_000);
afterAll(() => sim?.close());

describe('generated event types and zod schemas', () => {
  it('are what the record shapes give (npm run schemas)', () => {
    expect(readFileSync(path.join(generated, 'types.ts'), 'utf8')).toBe(eventTypesSource());
    expect(readFileSync(path.join(generated, 'zod.ts'), 'utf8')).toBe(eventZodSource());
  });

  it("parse real invoice events of every return type with Powertools' EventBridgeEnvelope", () => {
    expect(new Set(entries.map((e) => JSON.parse(e.Detail).metadata.returnType))).toEqual(new Set(EVENT_RETURN_TYPES));
    for (const entry of entries) {
      const schema = entry.DetailType === 'Coupa Invoice Created' ? CoupaInvoiceCreatedSchema : CoupaInvoiceUpdatedSchema;
      const detail = parse(eventOf(entry), EventBridgeEnvelope, schema);
      expect(detail.metadata.object).toBe('invoices');
      expect(detail).toEqual(JSON.parse(entry.Detail));
    }
  });

  it('extend EventBridgeSchema, and reject a wrongly typed field or the wrong object', () => {
    // Every record of this fresh simulator is new to the poller: its first events are Created.
    const entry = entries.find((e) => e.DetailType === 'Coupa Invoice Created' && JSON.parse(e.Detail).metadata.returnType === 'default')!;
    const event = eventOf(entry);
    const InvoiceEvent = EventBridgeSchema.extend({ detail: CoupaInvoiceCreatedSchema });
    const parsed = InvoiceEvent.parse(event);
    const typed: CoupaInvoiceCreated = parse(event, EventBridgeEnvelope, CoupaInvoiceCreatedSchema); // zod's output is the generated type
    expect(typed).toEqual(parsed.detail);
    expect(typeof (parsed.detail as { data: Record<string, unknown> }).data['invoice-number']).toBe('string');

    const wrong = { ...event, detail: { ...event.detail, data: { ...event.detail.data, 'invoice-number': 12345 } } };
    expect(InvoiceEvent.safeParse(wrong).success).toBe(false);
    expect(() => parse(wrong, EventBridgeEnvelope, CoupaInvoiceCreatedSchema)).toThrow();
    expect(CoupaInvoiceUpdatedSchema.safeParse(event.detail).success).toBe(false); // metadata.change is "created"
    expect(CoupaSupplierUpdatedSchema.safeParse(event.detail).success).toBe(false);
    // Fields Coupa adds later and nulls pass.
    const loose = { ...event.detail, data: { ...event.detail.data, 'a-field-from-r40': 1, supplier: null } };
    expect(CoupaInvoiceCreatedSchema.safeParse(loose).success).toBe(true);
  });
});
