/** Attribute names: Coupa's JSON is dashed, its docs use underscores; both are accepted everywhere. */

/** `invoice_number` → `invoice-number`; keys starting with `_` (`_delete`) are flags and stay. */
export function dashed(name: string): string {
  return name.startsWith('_') ? name : name.replace(/_/g, '-');
}

/** `invoice-number` → `Invoice number`, the way Rails words validation messages. */
export function humanize(name: string): string {
  const words = name.replace(/[-_]/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Dashes every key of a JSON body, recursively (custom-field names included). */
export function dashKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dashKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[dashed(k)] = dashKeys(v);
    return out;
  }
  return value;
}
