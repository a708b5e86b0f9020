import { buildQuery, CoupaValidationError, serializeFields, type CoupaQuery } from '../../../shared/coupa';

/** What a standard form decoder (the simulator, Rails) reads from our query string. */
const decoded = (query: CoupaQuery) => [...new URLSearchParams(buildQuery(query)).entries()];

describe('buildQuery', () => {
  it('encodes the example from the brief', () => {
    const query = buildQuery({
      updated_at: { gt: new Date('2026-03-01T10:20:30Z') },
      status: { in: ['approved', 'voided'] },
      supplier: { name: { contains: 'Acme' } },
      'po-email': { blank: true },
      id: 5,
    });
    expect(query).toBe(
      'updated_at[gt]=2026-03-01T10%3A20%3A30Z&status[in]=approved,voided&supplier[name][contains]=Acme&po-email[blank]=true&id=5',
    );
  });

  it.each<[string, CoupaQuery, string]>([
    ['exact', { status: 'approved' }, 'status=approved'],
    ['eq', { status: { eq: 'approved' } }, 'status=approved'],
    ['contains', { name: { contains: 'Acme' } }, 'name[contains]=Acme'],
    ['starts_with', { name: { starts_with: 'Ac' } }, 'name[starts_with]=Ac'],
    ['ends_with', { name: { ends_with: 'me' } }, 'name[ends_with]=me'],
    ['gt', { id: { gt: 10 } }, 'id[gt]=10'],
    ['lt', { id: { lt: 10 } }, 'id[lt]=10'],
    ['gt_or_eq', { id: { gt_or_eq: 10 } }, 'id[gt_or_eq]=10'],
    ['lt_or_eq', { id: { lt_or_eq: 10 } }, 'id[lt_or_eq]=10'],
    ['not_eq', { status: { not_eq: 'draft' } }, 'status[not_eq]=draft'],
    ['in', { id: { in: [1, 2, 3] } }, 'id[in]=1,2,3'],
    ['not_in', { status: { not_in: ['draft', 'new'] } }, 'status[not_in]=draft,new'],
    ['blank true', { 'po-email': { blank: true } }, 'po-email[blank]=true'],
    ['blank false', { 'po-email': { blank: false } }, 'po-email[blank]=false'],
    ['boolean exact', { exported: false }, 'exported=false'],
    ['range (two operators ANDed)', { id: { gt_or_eq: 1, lt: 9 } }, 'id[gt_or_eq]=1&id[lt]=9'],
    ['association exact', { currency: { code: 'EUR' } }, 'currency[code]=EUR'],
    ['association operator', { 'account-type': { name: { in: ['SAP100', 'SAP200'] } } }, 'account-type[name][in]=SAP100,SAP200'],
    ['collection traversal', { order_lines: { account: { code: 'a-c' } } }, 'order_lines[account][code]=a-c'],
    ['custom fields', { custom_fields: { 'cf-erp': { blank: false } } }, 'custom_fields[cf-erp][blank]=false'],
    ['undefined skipped', { a: undefined, b: 1, c: { gt: undefined, lt: 2 } }, 'b=1&c[lt]=2'],
  ])('%s', (_name, query, expected) => {
    expect(buildQuery(query)).toBe(expected);
  });

  describe('values', () => {
    it('sends dates as UTC instants, milliseconds only when present', () => {
      expect(buildQuery({ updated_at: { gt: new Date('2026-01-01T00:00:00.000Z') } })).toBe('updated_at[gt]=2026-01-01T00%3A00%3A00Z');
      expect(buildQuery({ updated_at: { gt: new Date('2026-01-01T00:00:00.250Z') } })).toBe('updated_at[gt]=2026-01-01T00%3A00%3A00.250Z');
    });

    it.each([
      ['2016-10-07T06:59:46-07:00', '2016-10-07T13:59:46Z'],
      ['2016-10-07T06:59:46+05:30', '2016-10-07T01:29:46Z'],
      ['2016-10-07T06:59:46+0530', '2016-10-07T01:29:46Z'],
      ['2016-10-07 06:59:46 +02:00', '2016-10-07T04:59:46Z'],
      ['2016-10-07T06:59Z', '2016-10-07T06:59:00Z'],
    ])('normalises the ISO string %s to the instant %s', (input, instant) => {
      expect(decoded({ updated_at: { gt_or_eq: input } })).toEqual([['updated_at[gt_or_eq]', instant]]);
    });

    it('leaves date-only strings and zone-less text alone (Coupa reads a bare date as midnight UTC)', () => {
      expect(buildQuery({ 'invoice-date': '2026-01-31' })).toBe('invoice-date=2026-01-31');
      expect(decoded({ note: { contains: '2016-10-07T06:59:46+02:00' } })).toEqual([['note[contains]', '2016-10-07T06:59:46+02:00']]);
    });

    it('encodes + in offsets as %2B, never as a space', () => {
      const query = buildQuery({ 'custom-text': '+02:00 a+b' });
      expect(query).toBe('custom-text=%2B02%3A00%20a%2Bb');
      expect(new URLSearchParams(query).get('custom-text')).toBe('+02:00 a+b');
    });

    it.each([
      ['spaces', 'Acme Corp', 'Acme%20Corp'],
      ['ampersand and equals', 'a&b=c', 'a%26b%3Dc'],
      ['hash and question mark', 'a#b?c', 'a%23b%3Fc'],
      ['percent', '100%', '100%25'],
      ['slash', 'a/b', 'a%2Fb'],
      ['brackets', 'x[y]', 'x%5By%5D'],
      ['unicode', 'Zürich 東京 😀', 'Z%C3%BCrich%20%E6%9D%B1%E4%BA%AC%20%F0%9F%98%80'],
      ['quotes', `O'Brien "x"`, `O'Brien%20%22x%22`],
    ])('encodes %s', (_name, value, encoded) => {
      expect(buildQuery({ name: value })).toBe(`name=${encoded}`);
      expect(new URLSearchParams(buildQuery({ name: value })).get('name')).toBe(value);
    });

    it('keeps the commas of in-lists literal and encodes each item', () => {
      expect(buildQuery({ name: { in: ['A B', 'C+D', 'É'] } })).toBe('name[in]=A%20B,C%2BD,%C3%89');
      expect(decoded({ name: { in: ['A B', 'C+D', 'É'] } })).toEqual([['name[in]', 'A B,C+D,É']]);
      expect(buildQuery({ updated_at: { in: [new Date('2026-01-01T00:00:00Z')] } })).toBe('updated_at[in]=2026-01-01T00%3A00%3A00Z');
    });

    it('encodes nested attributes so a form decoder sees the bracket key', () => {
      expect(decoded({ supplier: { 'primary-contact': { email: { contains: 'x@y.com' } } } })).toEqual([
        ['supplier[primary-contact][email][contains]', 'x@y.com'],
      ]);
    });
  });

  describe('parameters', () => {
    it('encodes paging, ordering, return_object, fields and filter', () => {
      const query = buildQuery({
        status: 'approved',
        limit: 50,
        offset: 100,
        order_by: 'updated_at',
        dir: 'desc',
        return_object: 'shallow',
        fields: ['id', 'invoice_number', { invoice_lines: ['id', 'line_num'] }, { custom_fields: {} }],
        filter: 'default_invoices_filter',
      });
      const params = new URLSearchParams(query);
      expect(params.get('limit')).toBe('50');
      expect(params.get('offset')).toBe('100');
      expect(params.get('order_by')).toBe('updated_at');
      expect(params.get('dir')).toBe('desc');
      expect(params.get('return_object')).toBe('shallow');
      expect(params.get('fields')).toBe('["id","invoice_number",{"invoice_lines":["id","line_num"]},{"custom_fields":{}}]');
      expect(params.get('filter')).toBe('default_invoices_filter');
      expect(query).toContain('fields=%5B%22id%22');
    });

    it('accepts fields as JSON text and re-serialises it', () => {
      expect(serializeFields('[ "id", {"lines": ["id"]} ]')).toBe('["id",{"lines":["id"]}]');
    });

    it.each<[string, CoupaQuery, RegExp]>([
      ['limit above 50', { limit: 51 }, /limit must be an integer from 1 to 50/],
      ['limit 0', { limit: 0 }, /limit/],
      ['fractional limit', { limit: 2.5 }, /limit/],
      ['negative offset', { offset: -1 }, /offset/],
      ['bad dir', { dir: 'up' as 'asc' }, /dir must be "asc" or "desc"/],
      ['bad return_object', { return_object: 'full' as 'none' }, /return_object/],
      ['bad order_by', { order_by: 'id desc' }, /not an attribute name/],
      ['bad fields', { fields: [1 as unknown as string] }, /fields may only hold/],
      ['fields not JSON', { fields: '[id' }, /fields must be a JSON array/],
      ['fields nested non-array', { fields: [{ lines: 'id' as unknown as string[] }] }, /fields of lines must be an array/],
      ['empty filter', { filter: ' ' }, /filter/],
    ])('rejects %s', (_name, query, message) => {
      expect(() => buildQuery(query)).toThrow(CoupaValidationError);
      expect(() => buildQuery(query)).toThrow(message);
    });
  });

  describe('validation', () => {
    it.each<[string, CoupaQuery, RegExp]>([
      ['in without an array', { status: { in: 'approved' as unknown as string[] } }, /status\[in\] needs an array/],
      ['empty in', { status: { in: [] } }, /at least one value/],
      ['comma inside an in item', { name: { in: ['Acme, Inc.'] } }, /contains a comma/],
      ['object inside in', { id: { in: [{}] as unknown as number[] } }, /values must be strings/],
      ['blank not boolean', { 'po-email': { blank: 'true' as unknown as boolean } }, /\[blank\] needs true or false/],
      ['contains on a date', { updated_at: { contains: new Date() as unknown as string } }, /contains does not work on dates/],
      ['gt on a boolean', { active: { gt: true as unknown as number } }, /needs text, a number or a date/],
      ['invalid date', { updated_at: { gt: new Date('nope') } }, /the date is invalid/],
      ['invalid ISO string', { updated_at: { gt: '2026-13-45T00:00:00Z' } }, /not a valid date-time/],
      ['NaN', { id: { gt: Number.NaN } }, /not a number/],
      ['array without operator', { id: [1, 2] as unknown as number }, /a list needs an operator/],
      ['null', { id: null as unknown as number }, /use \{ blank: true \}/],
      ['mixed operators and attributes', { supplier: { gt: 1, name: 'x' } as never }, /mixes operators \(gt\) with other keys \(name\)/],
      ['operator typo', { id: { gte: 5 } as never }, /unknown operator "gte"; did you mean "gt_or_eq"/],
      ['empty condition', { id: {} }, /empty condition/],
      ['bad attribute name', { 'a&b': 1 }, /not an attribute name/],
      ['bad nested attribute name', { supplier: { 'na me': 'x' } }, /not an attribute name/],
      ['in with single value', { id: { eq: [1] as unknown as number } }, /needs a single value/],
    ])('rejects %s', (_name, query, message) => {
      const act = () => buildQuery(query);
      expect(act).toThrow(CoupaValidationError);
      expect(act).toThrow(message);
    });

    it('names errors Coupa.Validation for Step Functions', () => {
      expect.assertions(1);
      try {
        buildQuery({ limit: 100 });
      } catch (error) {
        expect((error as Error).name).toBe('Coupa.Validation');
      }
    });
  });
});
