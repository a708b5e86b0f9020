// Whether a write may be resent after an unknown outcome (timeout, reset, 5xx after sending) is decided by
// what it does, not by its verb: a PUT that adds nested records (a purchase order line given without an
// id) would add them again, like a POST.

/**
 * True when `data` holds, at any depth, an array with an object that has no `id`: Coupa creates such
 * entries (`{"order-lines": [{"line-num": 3, …}]}` adds a line). Arrays of plain values (multi-select
 * custom fields) and entries that name their `id` (edits of existing lines) are safe to resend.
 *
 * @example
 * addsNestedRecords({ 'order-lines': [{ 'line-num': 3 }] })           // true
 * addsNestedRecords({ 'order-lines': [{ id: 7, quantity: 2 }] })       // false
 * addsNestedRecords({ 'custom-fields': { regions: ['EU', 'US'] } })    // false
 */
export function addsNestedRecords(data: unknown, depth = 0): boolean {
  if (depth > 20 || typeof data !== 'object' || data === null) return false;
  if (Array.isArray(data)) {
    return data.some((item) => (isPlainObject(item) && item.id === undefined) || addsNestedRecords(item, depth + 1));
  }
  return Object.values(data).some((value) => addsNestedRecords(value, depth + 1));
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
