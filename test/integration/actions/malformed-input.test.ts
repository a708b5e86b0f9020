// Every malformed input is refused with Coupa.Validation and a message naming the field, before any
// request leaves: the simulator sees neither an API call nor a token request.
import { CoupaValidationError } from '../../../shared/coupa';
import { useActionSimulator } from './harness';

const h = useActionSimulator();

const cyclic: Record<string, unknown> = { object: 'suppliers', id: 1 };
cyclic.self = cyclic;
let deep: Record<string, unknown> = { leaf: 1 };
for (let i = 0; i < 40; i++) deep = { nested: deep };
const big = 'x'.repeat(60_000);

type Case = [label: string, action: string, input: unknown, message: RegExp];
const cases: Case[] = [
  // Shape and types
  ['input is null', 'get', null, /the input must be a JSON object/],
  ['input is an array', 'get', [{ object: 'suppliers' }], /the input must be a JSON object/],
  ['input is a string', 'get', '{"object":"suppliers"}', /the input must be a JSON object/],
  ['input is not JSON (cycle)', 'get', cyclic, /the input is not JSON/],
  ['input is not JSON (BigInt)', 'get', { object: 'suppliers', id: BigInt(1) }, /the input is not JSON/],
  ['unknown object', 'get', { object: 'widgets', id: 1 }, /object "widgets" is not in the catalog; known objects: accounts, addresses/],
  ['missing object', 'get', { id: 1 }, /object is required/],
  ['object is a number', 'get', { object: 5, id: 1 }, /object must be a catalog key/],
  ['unknown field', 'get', { object: 'suppliers', id: 1, idd: 2 }, /unknown field "idd" \(the get action takes object, id, naturalKey/],
  ['field another action takes', 'get', { object: 'suppliers', id: 1, query: { limit: 5 } }, /query is not used by the get action/],
  // Actions
  ['unknown action', 'submitt', { object: 'invoices', id: 1 }, /unknown action "submitt" for invoices: .*special actions: submit, void/],
  ['not an action name', '../get', { object: 'invoices', id: 1 }, /Invalid action "..\/get"/],
  ['empty action name', '', { object: 'invoices', id: 1 }, /Invalid action ""/],
  ['special action of another object', 'approve', { object: 'invoices', id: 1 }, /unknown action "approve" for invoices/],
  ['mark_exported without export flag', 'mark_exported', { object: 'suppliers', id: 1 }, /suppliers has no export flag.*invoices/],
  // Ids
  ['missing id', 'get', { object: 'suppliers' }, /id is required \(or naturalKey: \{"number": …\} or \{"name": …\}\)/],
  ['id 0', 'get', { object: 'suppliers', id: 0 }, /id must be a positive whole number .*ids start at 1/],
  ['id -1', 'update', { object: 'suppliers', id: -1, data: { name: 'x' } }, /id must be a positive whole number/],
  ['id "abc"', 'get', { object: 'suppliers', id: 'abc' }, /id must be a positive whole number/],
  ['id 1.5', 'get', { object: 'suppliers', id: 1.5 }, /id must be a positive whole number/],
  ['id true', 'get', { object: 'suppliers', id: true }, /id must be a positive whole number/],
  ['id "12abc"', 'get', { object: 'suppliers', id: '12abc' }, /id must be a positive whole number/],
  ['id on create', 'create', { object: 'suppliers', id: 3, data: { name: 'x' } }, /id is not used by the create action/],
  ['data.id on create', 'create', { object: 'suppliers', data: { id: 3, name: 'x' } }, /data.id cannot be set on create/],
  ['id and naturalKey', 'get', { object: 'suppliers', id: 1, naturalKey: { name: 'x' } }, /either id or naturalKey, not both/],
  [
    'natural key of other attributes',
    'get',
    { object: 'suppliers', naturalKey: { code: 'x' } },
    /naturalKey must give exactly the attributes of one natural key of suppliers: \{"number"\} or \{"name"\}/,
  ],
  [
    'natural key missing a part',
    'get',
    { object: 'invoices', naturalKey: { 'invoice-number': 'INV-1' } },
    /\{"invoice-number", "supplier.name"\}/,
  ],
  ['natural key where there is none', 'get', { object: 'approvals', naturalKey: { id: 1 } }, /approvals has no natural key/],
  [
    'natural key value an object',
    'get',
    { object: 'suppliers', naturalKey: { name: { contains: 'x' } } },
    /naturalKey.name values must be strings or numbers/,
  ],
  // Capabilities
  [
    'create approvals',
    'create',
    { object: 'approvals', data: { status: 'approved' } },
    /approvals cannot be created .*special actions: approve, reject, hold/,
  ],
  ['update approvals', 'update', { object: 'approvals', id: 1, data: { status: 'approved' } }, /approvals cannot be updated/],
  [
    'update purchase order lines',
    'update',
    { object: 'purchase_order_lines', id: 1, data: { quantity: 2 } },
    /purchase_order_lines cannot be updated directly.*Update purchase_orders with data \{"order-lines"/,
  ],
  [
    'create a line without its order',
    'create',
    { object: 'purchase_order_lines', data: { quantity: 2 } },
    /parent is required: .*parent \{"purchase_order_id": <id>\} or data\["order-header-id"\]/,
  ],
  [
    'line: parent and data disagree',
    'create',
    { object: 'purchase_order_lines', parent: { purchase_order_id: 2 }, data: { 'order-header-id': 3, quantity: 1 } },
    /name different purchase_orders/,
  ],
  [
    'line: wrong parent',
    'create',
    { object: 'purchase_order_lines', parent: { supplier_id: 2 }, data: { quantity: 1 } },
    /parent must be \{"purchase_order_id": <id>\}/,
  ],
  // Data
  ['create without data', 'create', { object: 'suppliers' }, /data is required/],
  ['update without data', 'update', { object: 'suppliers', id: 1 }, /data is required: the fields to change/],
  ['update with empty data', 'update', { object: 'suppliers', id: 1, data: {} }, /data is empty/],
  ['data is an array', 'create', { object: 'suppliers', data: [{ name: 'x' }] }, /data must be a JSON object/],
  [
    'customFields not an object',
    'update',
    { object: 'invoices', id: 1, data: { customFields: 'x' } },
    /data\["customFields"\] must be an object of custom field names/,
  ],
  [
    'custom field twice',
    'update',
    { object: 'invoices', id: 1, data: { customFields: { 'cf-a': 1 }, 'custom-fields': { 'cf-a': 2 } } },
    /sets custom field "cf-a" twice/,
  ],
  // Return types and fields
  ['returnType none on get', 'get', { object: 'suppliers', id: 1, returnType: 'none' }, /returnType "none" is for writes/],
  ['returnType none on query', 'query', { object: 'suppliers', returnType: 'none' }, /returnType "none" is for writes/],
  [
    'unknown returnType',
    'get',
    { object: 'suppliers', id: 1, returnType: 'full' },
    /returnType must be one of "default", "shallow", "limited" or "none"/,
  ],
  ['fields not JSON', 'get', { object: 'suppliers', id: 1, fields: 'id,name' }, /fields is not a usable field list/],
  [
    'fields with a bad name',
    'get',
    { object: 'suppliers', id: 1, fields: ['id', 'na me'] },
    /fields is not a usable field list: "na me" is not an attribute name/,
  ],
  ['fields of numbers', 'get', { object: 'suppliers', id: 1, fields: [1] }, /fields is not a usable field list/],
  [
    'fields with returnType none',
    'update',
    { object: 'suppliers', id: 1, data: { name: 'x' }, fields: ['id'], returnType: 'none' },
    /fields cannot be combined with returnType "none"/,
  ],
  // Query
  ['limit 0', 'query', { object: 'suppliers', query: { limit: 0 } }, /query.limit must be a whole number from 1 to 10000/],
  ['limit above the maximum', 'query', { object: 'suppliers', query: { limit: 10_001 } }, /query.limit must be at most 10000/],
  ['limit as a string', 'query', { object: 'suppliers', query: { limit: '5' } }, /query.limit must be a whole number/],
  ['negative offset', 'query', { object: 'suppliers', query: { offset: -1 } }, /query.offset must be a whole number ≥ 0/],
  ['unknown query field', 'query', { object: 'suppliers', query: { page: 2 } }, /query has unknown field "page"/],
  ['dir up', 'query', { object: 'suppliers', query: { dir: 'up' } }, /query.dir must be "asc" or "desc"/],
  ['orderBy not a name', 'query', { object: 'suppliers', query: { orderBy: 'name; drop' } }, /query.orderBy must be an attribute name/],
  [
    'filters an array',
    'query',
    { object: 'suppliers', query: { filters: [{ name: 'x' }] } },
    /query.filters must be a JSON object of conditions/,
  ],
  [
    'unknown operator',
    'query',
    { object: 'suppliers', query: { filters: { id: { gte: 3 } } } },
    /query.filters: id: unknown operator "gte"; did you mean "gt_or_eq"\?/,
  ],
  ['unknown operator in brackets', 'query', { object: 'suppliers', query: { filters: { 'id[gte]': 3 } } }, /unknown operator "gte"/],
  [
    'in with an empty list',
    'query',
    { object: 'suppliers', query: { filters: { status: { in: [] } } } },
    /status\[in\] needs at least one value/,
  ],
  [
    'blank not boolean',
    'query',
    { object: 'suppliers', query: { filters: { 'po-email': { blank: 'yes' } } } },
    /po-email\[blank\] needs true or false/,
  ],
  [
    'list without operator',
    'query',
    { object: 'suppliers', query: { filters: { status: ['active', 'draft'] } } },
    /status: a list needs an operator, e.g. \{ in: \[...\] \}/,
  ],
  [
    'mixed operators and attributes',
    'query',
    { object: 'suppliers', query: { filters: { supplier: { gt: 1, name: 'x' } } } },
    /mixes operators/,
  ],
  [
    'paging inside filters',
    'query',
    { object: 'suppliers', query: { filters: { limit: 5 } } },
    /query.filters.limit is not a condition: use query.limit/,
  ],
  [
    'condition given twice',
    'query',
    { object: 'suppliers', query: { filters: { 'supplier[name]': 'a', supplier: { name: 'b' } } } },
    /repeats a condition/,
  ],
  // Parents
  [
    'remit-to addresses without parent',
    'query',
    { object: 'remit_to_addresses' },
    /parent is required: Coupa serves remit_to_addresses only under a parent; give \{"supplier_id"/,
  ],
  [
    'parent of another object',
    'query',
    { object: 'supplier_sites', parent: { user_id: 1 } },
    /parent "user_id" is not a parent of supplier_sites; it takes \{"supplier_id"/,
  ],
  ['parent id 0', 'query', { object: 'supplier_sites', parent: { supplier_id: 0 } }, /parent.supplier_id must be a positive whole number/],
  [
    'two parents',
    'query',
    { object: 'remit_to_addresses', parent: { supplier_id: 1, invoice_id: 2 } },
    /parent must name exactly one parent/,
  ],
  [
    'parent where there is none',
    'get',
    { object: 'suppliers', id: 1, parent: { supplier_id: 1 } },
    /suppliers has no paths under a parent/,
  ],
  [
    'parent on a special action',
    'approve',
    { object: 'approvals', id: 1, parent: { user_id: 1 } },
    /parent (cannot be used|.*is not a parent)/,
  ],
  // Special actions
  ['member action without id', 'submit', { object: 'invoices' }, /id is required: invoices submit acts on one record/],
  [
    'collection action with id',
    'submit_for_approval',
    { object: 'requisitions', id: 3, data: {} },
    /id cannot be used: requisitions submit_for_approval acts on the collection/,
  ],
  [
    'data on an action without body',
    'submit',
    { object: 'invoices', id: 1, data: { note: 'x' } },
    /data cannot be used: invoices submit takes no body/,
  ],
  [
    'params on an action without any',
    'void',
    { object: 'invoices', id: 1, params: { reason: 'x' } },
    /params cannot be used: invoices void takes no query parameters/,
  ],
  [
    'unknown param',
    'reject',
    { object: 'approvals', id: 1, params: { why: 'x' } },
    /params.why is not a parameter of approvals reject \(it takes reason\)/,
  ],
  [
    'param value an object',
    'reject',
    { object: 'approvals', id: 1, params: { reason: { text: 'x' } } },
    /params.reason values must be strings, numbers or booleans/,
  ],
  // Sizes and keys
  [
    'string over 64 KB',
    'update',
    { object: 'suppliers', id: 1, data: { name: 'x'.repeat(70_000) } },
    /data.name is a string of 70000 characters; the limit is 65536/,
  ],
  [
    'input over 256 KB',
    'update',
    { object: 'suppliers', id: 1, data: { a: big, b: big, c: big, d: big, e: big } },
    /the input is \d+ bytes as JSON; the limit is 262144/,
  ],
  ['nesting too deep', 'update', { object: 'suppliers', id: 1, data: deep }, /nested more than 32 levels deep/],
  [
    'idempotencyKey too long',
    'update',
    { object: 'suppliers', id: 1, data: { name: 'x' }, idempotencyKey: 'k'.repeat(256) },
    /idempotencyKey must be at most 255 characters/,
  ],
  [
    'idempotencyKey with a newline',
    'update',
    { object: 'suppliers', id: 1, data: { name: 'x' }, idempotencyKey: 'a\nb' },
    /idempotencyKey may hold printable characters only/,
  ],
  [
    'idempotencyKey a number',
    'update',
    { object: 'suppliers', id: 1, data: { name: 'x' }, idempotencyKey: 42 },
    /idempotencyKey must be a string/,
  ],
  // request: confined to /api/ of the configured host
  [
    'request ../oauth2/token',
    'request',
    { method: 'POST', path: '../oauth2/token' },
    /path must be a path under \/api\/.*"\." and "\.\." segments are not allowed/,
  ],
  ['request /api/../oauth2', 'request', { method: 'GET', path: '/api/../oauth2/token' }, /"\." and "\.\." segments are not allowed/],
  [
    'request %2e%2e',
    'request',
    { method: 'GET', path: 'invoices/%2e%2e/%2e%2e/oauth2/token' },
    /percent-encoded characters are not allowed/,
  ],
  ['request absolute URL', 'request', { method: 'GET', path: 'https://evil.example/api/x' }, /absolute URLs are not allowed/],
  ['request //host', 'request', { method: 'GET', path: '//evil/api/x' }, /"\/\/" is not allowed/],
  ['request backslash', 'request', { method: 'GET', path: 'invoices\\..\\..\\oauth2' }, /backslash/],
  ['request outside /api', 'request', { method: 'POST', path: '/oauth2/token' }, /must start with "\/api\/"/],
  ['request control character', 'request', { method: 'GET', path: 'invoices/1\r\nHost: evil' }, /whitespace or control characters/],
  ['request query in path', 'request', { method: 'GET', path: 'invoices?status=x' }, /put query parameters in "query"/],
  ['request empty path', 'request', { method: 'GET', path: '/api/' }, /it names no resource/],
  ['request scheme-like path', 'request', { method: 'GET', path: 'javascript:alert(1)' }, /absolute URLs are not allowed/],
  ['request method TRACE', 'request', { method: 'TRACE', path: 'invoices' }, /method must be GET, POST, PUT, PATCH or DELETE/],
  ['request body with GET', 'request', { method: 'GET', path: 'invoices', body: { a: 1 } }, /body cannot be sent with GET/],
  [
    'request unknown field',
    'request',
    { method: 'GET', url: 'https://evil.example' },
    /path must be a path under \/api\/.*unknown field "url"/,
  ],
  [
    'request bad query',
    'request',
    { method: 'GET', path: 'invoices', query: { status: { gte: 'x' } } },
    /query: status: unknown operator "gte"/,
  ],
];

describe('malformed inputs are refused before any request', () => {
  it.each(cases)('%s', async (_label, action, input, message) => {
    const error = await h.run(action, input).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CoupaValidationError);
    expect((error as Error).name).toBe('Coupa.Validation');
    expect((error as Error).message).toMatch(message);
    expect(h.sim.control.requests).toEqual([]); // no /api and no /oauth2 request
  });

  it('names every problem at once', async () => {
    await expect(h.run('update', { object: 'suppliers', id: 'x', data: [], returnType: 'all', colour: 'red' })).rejects.toMatchObject({
      name: 'Coupa.Validation',
      message: expect.stringMatching(
        /\(4 problems\): 1\) unknown field "colour".*2\) id must be .*3\) data must be .*4\) returnType must be/,
      ),
    });
  });

  it('the same inputs, fixed, do reach Coupa (the client works in this file)', async () => {
    await expect(h.run('get', { object: 'suppliers', id: 1 })).resolves.toMatchObject({ id: 1 });
    expect(h.sim.control.requests.map((r) => r.path)).toEqual(['/oauth2/token', '/api/suppliers/1']);
  });
});
