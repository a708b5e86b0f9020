// Every query operator, encoded by buildQuery and decoded by the simulator, returns exactly the rows
// the same condition selects from the simulator's stored truth.
import {
  OPERATORS,
  paginate,
  parseCoupaInstant,
  toUtcIso,
  type CoupaClient,
  type CoupaQuery,
  type CoupaRecord,
} from '../../../shared/coupa';
import { useSimulator } from './harness';

const h = useSimulator({ records: { suppliers: 40 } });
let client: CoupaClient;
let rows: CoupaRecord[];
const SPECIAL = 'A+B & Co, Ltd. 100% #1 ?=/';
const UNICODE = 'Zürich Präzision 東京 😀';

beforeAll(async () => {
  client = h.client();
  // Names no generated supplier has: each exercises a character form encoding can get wrong.
  h.sim.control.create('suppliers', { name: SPECIAL });
  h.sim.control.create('suppliers', { name: UNICODE });
  h.sim.control.create('suppliers', { name: 'Blank E-mail Supplier', 'po-email': '' });
});

beforeEach(() => {
  rows = h.sim.control.list('suppliers'); // canonical: UTC datetimes
});

/** Every id the query returns, over all pages. */
async function idsFor(query: CoupaQuery): Promise<number[]> {
  const ids: number[] = [];
  for await (const page of paginate(client, 'suppliers', { ...query, fields: ['id'] })) ids.push(...page.map((r) => r.id as number));
  return ids.sort((a, b) => a - b);
}
const idsWhere = (predicate: (r: CoupaRecord) => boolean) =>
  rows
    .filter(predicate)
    .map((r) => r.id as number)
    .sort((a, b) => a - b);

const text = (r: CoupaRecord, key: string) => (typeof r[key] === 'string' ? (r[key] as string) : undefined);
const updatedAt = (r: CoupaRecord) => parseCoupaInstant(r['updated-at'] as string);
const commodity = (r: CoupaRecord) => (r.commodity as { name?: string } | null)?.name;
const custom = (r: CoupaRecord, name: string) => (r['custom-fields'] as Record<string, unknown> | undefined)?.[name];
const blank = (v: unknown) => v === null || v === undefined || v === '';

describe('operators', () => {
  const cases: [string, () => CoupaQuery, (r: CoupaRecord) => boolean][] = [
    ['exact match', () => ({ status: 'active' }), (r) => r.status === 'active'],
    ['eq', () => ({ status: { eq: 'draft' } }), (r) => r.status === 'draft'],
    ['contains', () => ({ name: { contains: 'Logistics' } }), (r) => !!text(r, 'name')?.includes('Logistics')],
    ['starts_with', () => ({ name: { starts_with: 'Aperture' } }), (r) => !!text(r, 'name')?.startsWith('Aperture')],
    ['ends_with', () => ({ name: { ends_with: '5' } }), (r) => !!text(r, 'name')?.endsWith('5')],
    ['gt (number)', () => ({ id: { gt: 30 } }), (r) => (r.id as number) > 30],
    ['lt (number)', () => ({ id: { lt: 5 } }), (r) => (r.id as number) < 5],
    [
      'gt_or_eq + lt_or_eq (range)',
      () => ({ id: { gt_or_eq: 10, lt_or_eq: 12 } }),
      (r) => (r.id as number) >= 10 && (r.id as number) <= 12,
    ],
    ['not_eq', () => ({ status: { not_eq: 'inactive' } }), (r) => r.status !== 'inactive'],
    ['in', () => ({ status: { in: ['active', 'draft'] } }), (r) => ['active', 'draft'].includes(r.status as string)],
    ['in (numbers)', () => ({ id: { in: [1, 3, 5, 99] } }), (r) => [1, 3, 5].includes(r.id as number)],
    ['not_in', () => ({ status: { not_in: ['inactive', 'draft'] } }), (r) => !['inactive', 'draft'].includes(r.status as string)],
    ['blank true', () => ({ 'po-email': { blank: true } }), (r) => blank(r['po-email'])],
    ['blank false', () => ({ 'po-email': { blank: false } }), (r) => !blank(r['po-email'])],
    ['boolean, underscored name', () => ({ on_hold: true }), (r) => r['on-hold'] === true],
    ['association exact', () => ({ commodity: { name: 'Software' } }), (r) => commodity(r) === 'Software'],
    [
      'association in, values with spaces',
      () => ({ commodity: { name: { in: ['IT Hardware', 'Office Supplies'] } } }),
      (r) => ['IT Hardware', 'Office Supplies'].includes(commodity(r) ?? ''),
    ],
    ['association starts_with', () => ({ commodity: { name: { starts_with: 'Prof' } } }), (r) => !!commodity(r)?.startsWith('Prof')],
    ['custom field blank', () => ({ custom_fields: { 'cf-erp-number': { blank: true } } }), (r) => blank(custom(r, 'cf-erp-number'))],
    [
      'custom field exact',
      () => ({ custom_fields: { 'cf-integration-status': 'error' } }),
      (r) => custom(r, 'cf-integration-status') === 'error',
    ],
    ['special characters exact', () => ({ name: SPECIAL }), (r) => r.name === SPECIAL],
    ['special characters contains', () => ({ name: { contains: '+B & Co, Ltd. 100% #' } }), (r) => r.name === SPECIAL],
    ['unicode exact', () => ({ name: UNICODE }), (r) => r.name === UNICODE],
    ['unicode contains', () => ({ name: { contains: '東京 😀' } }), (r) => r.name === UNICODE],
  ];

  it.each(cases)('%s', async (_name, query, predicate) => {
    const expected = idsWhere(predicate);
    expect(expected.length).toBeGreaterThan(0); // the data must make the case meaningful
    expect(await idsFor(query())).toEqual(expected);
  });

  it('has a case for every operator', () => {
    const words = cases.flatMap(([name]) => name.split(/[ ,+()]+/));
    for (const op of OPERATORS) expect(words).toContain(op);
  });
});

describe('datetimes', () => {
  // A timestamp several records share, so boundary operators matter.
  const pivot = () => {
    const sorted = [...rows].sort((a, b) => updatedAt(a) - updatedAt(b));
    return sorted[Math.floor(sorted.length / 2)]!;
  };

  it.each([
    ['gt', (t: number, p: number) => t > p],
    ['lt', (t: number, p: number) => t < p],
    ['gt_or_eq', (t: number, p: number) => t >= p],
    ['lt_or_eq', (t: number, p: number) => t <= p],
  ] as const)('%s with a Date compares instants', async (op, compare) => {
    const p = updatedAt(pivot());
    expect(await idsFor({ updated_at: { [op]: new Date(p) } })).toEqual(idsWhere((r) => compare(updatedAt(r), p)));
  });

  it.each(['+05:30', '-08:00', '+00:00'])('ISO strings with offset %s mean the same instant (a raw + would be a space)', async (offset) => {
    const p = updatedAt(pivot());
    const sign = offset.startsWith('-') ? -1 : 1;
    const [hh, mm] = offset.slice(1).split(':').map(Number) as [number, number];
    const local = new Date(p + sign * (hh * 60 + mm) * 60_000).toISOString().slice(0, 19) + offset;
    expect(toUtcIso(local)).toBe(toUtcIso(p)); // the string really is the pivot instant
    expect(await idsFor({ 'updated-at': { gt_or_eq: local } })).toEqual(idsWhere((r) => updatedAt(r) >= p));
  });

  it('a window [from, to) with the dashed attribute name', async () => {
    const sorted = [...rows].map(updatedAt).sort((a, b) => a - b);
    const from = sorted[5]!;
    const to = sorted[25]!;
    expect(await idsFor({ 'updated-at': { gt_or_eq: new Date(from), lt: new Date(to) } })).toEqual(
      idsWhere((r) => updatedAt(r) >= from && updatedAt(r) < to),
    );
  });
});

describe('paging, ordering and shape', () => {
  it('pages with limit/offset until a short page, every record once', async () => {
    const pages: number[][] = [];
    for await (const page of paginate(client, 'suppliers', { limit: 7, fields: ['id'] })) pages.push(page.map((r) => r.id as number));
    expect(pages.slice(0, -1).every((p) => p.length === 7)).toBe(true);
    expect(pages.flat()).toEqual(rows.map((r) => r.id).sort((a, b) => (a as number) - (b as number)));
    const offsets = h.sim.control.requests.filter((r) => r.path === '/api/suppliers').map((r) => r.query.offset);
    expect(offsets).toEqual(pages.map((_, i) => String(i * 7)).concat(rows.length % 7 === 0 ? [String(rows.length)] : []));
  });

  it('orders by updated_at descending', async () => {
    const records = await client.list('suppliers', { order_by: 'updated_at', dir: 'desc', limit: 50, fields: ['id', 'updated_at'] });
    const times = records.map(updatedAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('returns only the requested fields, nested ones included', async () => {
    const [record] = await client.list('suppliers', { id: 1, fields: ['id', 'name', { commodity: ['name'] }] });
    expect(record).toEqual({ id: 1, name: rows[0]!.name, commodity: { name: commodity(rows[0]!) } });
  });

  it('return_object=limited gives ids only', async () => {
    const records = await client.list('suppliers', { id: { in: [1, 2] } }, { returnObject: 'limited' });
    expect(records.map((r) => Object.keys(r))).toEqual([['id'], ['id']]);
  });

  it('an empty result is an empty list', async () => {
    expect(await client.list('suppliers', { name: 'No such supplier anywhere' })).toEqual([]);
  });

  it('sends what the simulator decodes: literal brackets, encoded values', async () => {
    await client.list('suppliers', {
      'po-email': { blank: false },
      name: { contains: 'a+b c' },
      updated_at: { lt: new Date(Date.UTC(2030, 0, 1)) },
    });
    const request = h.sim.control.requests.at(-1)!;
    expect(request.rawQuery).toBe('po-email[blank]=false&name[contains]=a%2Bb%20c&updated_at[lt]=2030-01-01T00%3A00%3A00Z');
    expect(request.query).toEqual({ 'po-email[blank]': 'false', 'name[contains]': 'a+b c', 'updated_at[lt]': '2030-01-01T00:00:00Z' });
  });
});
