// A get by natural key: `{"po-number":"PO-1"}` or `{"invoice-number":"INV-1","supplier.name":"Acme"}`
// becomes an exact-match list query (`po_number=PO-1`, `supplier[name]=Acme`). The attributes must be
// exactly one of the catalog's natural keys for the object, so the query can match at most one record
// (runAction still checks: 0 matches → Coupa.NotFound, more than one → Coupa.Conflict).
import type { CatalogObject } from '../catalog';
import type { Condition, CoupaQuery } from '../coupa';
import type { Problems } from './problems';

/** `supplier[name]`, `supplier.name`, `supplier_name`… → the catalog's form: `supplier.name`, dashed. */
const canonical = (attribute: string): string =>
  attribute
    .trim()
    .replace(/\[([^\]]*)\]/g, '.$1')
    .replace(/_/g, '-')
    .toLowerCase();

const describe = (key: readonly string[]) => `{${key.map((a) => JSON.stringify(a)).join(', ')}}`;

/**
 * The normalised natural key and its exact-match filters, or undefined after reporting why not.
 *
 * @internal
 */
export function naturalKeyQuery(
  object: CatalogObject,
  given: Readonly<Record<string, string | number>>,
  problems: Problems,
): { naturalKey: Record<string, string | number>; filters: CoupaQuery } | undefined {
  if (object.naturalKeys.length === 0) {
    problems.add(
      `naturalKey cannot be used: ${object.key} has no natural key in the catalog; get the record by id or with the query action`,
    );
    return undefined;
  }
  const naturalKey: Record<string, string | number> = {};
  for (const [attribute, value] of Object.entries(given)) {
    if ((typeof value === 'string' && value.trim() === '') || (typeof value === 'number' && !Number.isFinite(value))) {
      problems.add(`naturalKey["${attribute}"] must be a non-empty string or a number`);
      return undefined;
    }
    naturalKey[canonical(attribute)] = value;
  }
  const names = Object.keys(naturalKey).sort();
  const match = object.naturalKeys.find((key) => key.length === names.length && [...key].sort().every((a, i) => a === names[i]));
  if (!match) {
    const options = object.naturalKeys.map(describe).join(' or ');
    problems.add(
      `naturalKey must give exactly the attributes of one natural key of ${object.key}: ${options}; got ${describe(Object.keys(given))}`,
    );
    return undefined;
  }
  const filters: Record<string, Condition> = {};
  for (const attribute of match) {
    // Underscored names, as Coupa's query docs write them; associations nest: supplier[name].
    const segments = attribute.split('.').map((s) => s.replace(/-/g, '_'));
    let level = filters;
    for (const segment of segments.slice(0, -1)) {
      level[segment] ??= {};
      level = level[segment] as Record<string, Condition>;
    }
    level[segments[segments.length - 1]!] = naturalKey[attribute]!;
  }
  return { naturalKey, filters };
}
