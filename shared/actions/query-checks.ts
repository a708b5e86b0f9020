// Query conditions and parameters are checked with the client's own buildQuery now, so nothing it
// would refuse leaves later.
import { buildQuery, type CoupaQuery } from '../coupa';
import type { Problems } from './problems';

/** Query parameters that are not conditions: they have their own input fields. */
const PAGING_PARAMETERS: ReadonlyMap<string, string> = new Map([
  ['limit', 'query.limit'],
  ['offset', 'query.offset'],
  ['order_by', 'query.orderBy'],
  ['dir', 'query.dir'],
  ['return_object', 'returnType'],
  ['fields', 'fields'],
  ['filter', 'the request action'],
]);

/** Filters of the query action: conditions only, checked. @internal */
export function checkFilters(filters: CoupaQuery, problems: Problems): void {
  for (const key of Object.keys(filters)) {
    const instead = PAGING_PARAMETERS.get(key);
    if (instead) problems.add(`query.filters.${key} is not a condition: use ${instead}`);
  }
  checkQuery(filters, 'query.filters', problems);
}

/** Runs the client's query checks (operators, value types, names) on `query`. @internal */
export function checkQuery(query: Record<string, unknown>, where: string, problems: Problems): void {
  try {
    buildQuery(query as CoupaQuery);
  } catch (error) {
    problems.add(`${where}: ${(error as Error).message.replace(/^Invalid Coupa query: /, '')}`);
  }
}
