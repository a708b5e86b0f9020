// Query conditions as callers write them: nested objects (`{"supplier":{"name":{"contains":"Acme"}}}`,
// what buildQuery takes) or Coupa's own bracket keys (`{"supplier[name][contains]":"Acme"}`), which are
// turned into the nested form here. Both may be mixed; the same condition given twice is a problem.
import type { CoupaQuery } from '../coupa';
import type { Problems } from './problems';

const BRACKETS = /^([^[\]]+)((?:\[[^[\]]+\])+)$/;

/**
 * `filters` with bracket keys expanded into nested objects. Reports a condition given twice.
 *
 * @internal
 */
export function nestedFilters(filters: Readonly<Record<string, unknown>>, where: string, problems: Problems): CoupaQuery {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filters)) {
    const match = BRACKETS.exec(key);
    const path = match ? [match[1]!, ...[...match[2]!.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!)] : [key];
    if (path.includes('__proto__')) {
      problems.add(`${where}["${key}"] is not an attribute name`);
      continue;
    }
    merge(out, path, value, `${where}["${key}"]`, problems);
  }
  return out as CoupaQuery;
}

function merge(target: Record<string, unknown>, path: readonly string[], value: unknown, label: string, problems: Problems): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    if (Object.hasOwn(target, head) && isObject(target[head]) && isObject(value)) {
      for (const [k, v] of Object.entries(value)) merge(target[head] as Record<string, unknown>, [k], v, label, problems);
    } else if (Object.hasOwn(target, head)) problems.add(`${label} repeats a condition given elsewhere in the filters`);
    else target[head] = structuredClone(value); // the caller's input stays untouched by later merges
    return;
  }
  if (!Object.hasOwn(target, head)) target[head] = {};
  if (!isObject(target[head])) {
    problems.add(`${label} repeats a condition given elsewhere in the filters`);
    return;
  }
  merge(target[head] as Record<string, unknown>, rest, value, label, problems);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
