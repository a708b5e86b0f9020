// Custom fields in write data: Coupa takes namespaced custom fields under `custom-fields`. Callers may
// also write `customFields` (camelCase, natural in Step Functions) or `custom_fields`; all three are
// merged into `custom-fields`. Field names inside are kept exactly as given (Coupa's are dashed:
// `cf-erp-invoice-number`). Legacy top-level custom keys (`custom-field-1`) pass through untouched.
import type { Problems } from './problems';

const ALIASES = ['customFields', 'custom_fields', 'custom-fields'] as const;

/**
 * `data` with every custom-field alias merged into one `custom-fields` object. Reports an alias that
 * is not an object, and a field given twice with different values.
 *
 * @internal
 */
export function withCustomFields(data: Readonly<Record<string, unknown>>, where: string, problems: Problems): Record<string, unknown> {
  const present = ALIASES.filter((alias) => Object.hasOwn(data, alias));
  if (present.length === 0) return { ...data };
  const merged: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const alias of present) {
    const value = data[alias];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.add(`${where}["${alias}"] must be an object of custom field names and values, e.g. {"cf-erp-number":"ERP-1"}`);
      continue;
    }
    for (const [name, fieldValue] of Object.entries(value)) {
      if (Object.hasOwn(merged, name) && JSON.stringify(merged[name]) !== JSON.stringify(fieldValue)) {
        problems.add(`${where} sets custom field "${name}" twice with different values (in "${origin[name]}" and "${alias}")`);
        continue;
      }
      merged[name] = fieldValue;
      origin[name] = alias;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (!(ALIASES as readonly string[]).includes(key)) out[key] = value;
  out['custom-fields'] = merged;
  return out;
}
