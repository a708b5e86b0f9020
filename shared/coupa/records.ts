// Helpers for records as Coupa returns them: custom fields in both of their homes, and timestamps
// that carry the instance's UTC offset (compare instants, never strings).
import { CoupaValidationError } from './errors';
import type { CoupaRecord } from './types';

/** Which top-level keys are legacy ("API Global Namespace") custom fields. */
export type LegacyCustomFieldKeys = readonly string[] | ((key: string) => boolean);

/**
 * Default test for legacy top-level custom fields: `custom-field-1..20` (expense lines) and keys
 * starting with `cf-`/`cf_` or `custom-`/`custom_` (other than `custom-fields` itself).
 */
export function isLegacyCustomFieldKey(key: string): boolean {
  if (key === 'custom-fields' || key === 'custom_fields') return false;
  return /^(?:cf|custom)[-_]/i.test(key);
}

/**
 * All custom fields of a record, from the `custom-fields` hash and from legacy top-level keys.
 * Keys are as Coupa sent them; the namespaced hash wins when both have a field.
 *
 * @param legacy - which top-level keys count as custom fields: a list of names, or a predicate.
 *   @default isLegacyCustomFieldKey
 * @example
 * customFields({ id: 1, 'custom-field-1': 'a', 'custom-fields': { 'cf-erp-id': 'X' } })
 * // → { 'custom-field-1': 'a', 'cf-erp-id': 'X' }
 */
export function customFields(record: CoupaRecord, legacy: LegacyCustomFieldKeys = isLegacyCustomFieldKey): Record<string, unknown> {
  const isLegacy = typeof legacy === 'function' ? legacy : (key: string) => legacy.includes(key);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record ?? {})) {
    if (isLegacy(key) && key !== 'custom-fields' && key !== 'custom_fields') out[key] = value;
  }
  const hash = record?.['custom-fields'] ?? record?.custom_fields;
  if (typeof hash === 'object' && hash !== null && !Array.isArray(hash)) Object.assign(out, hash);
  return out;
}

/**
 * One custom field by name, dashed or underscored (`cf_erp_id` finds `cf-erp-id`), looked up in the
 * `custom-fields` hash first, then among top-level keys. `undefined` when absent (Coupa omits nulls).
 */
export function getCustomField(record: CoupaRecord, name: string): unknown {
  const forms = [...new Set([name, name.replace(/_/g, '-'), name.replace(/-/g, '_')])];
  const hash = record?.['custom-fields'] ?? record?.custom_fields;
  for (const source of [hash, record]) {
    if (typeof source !== 'object' || source === null) continue;
    for (const form of forms) {
      if (Object.hasOwn(source, form)) return (source as Record<string, unknown>)[form];
    }
  }
  return undefined;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Parses a Coupa timestamp to epoch ms. Accepts ISO-8601 with `Z` or any offset
 * (`2016-10-07T06:59:46-07:00`, `+0530`, `+05`), fractional seconds, and a date alone (midnight UTC,
 * as Coupa reads it). A date-time without a zone is rejected: its instant is unknown.
 *
 * @throws {CoupaValidationError} for anything else.
 * @example
 * parseCoupaInstant('2016-10-07T06:59:46-07:00') // → 1475848786000
 */
export function parseCoupaInstant(text: string): number {
  const match = typeof text === 'string' ? ISO.exec(text.trim()) : null;
  if (!match) throw bad(text, 'expected ISO-8601 such as 2016-10-07T06:59:46-07:00');
  const [, y, mo, d, h, mi, s, frac, zone] = match;
  if (h !== undefined && zone === undefined) throw bad(text, 'it has a time but no UTC offset, so its instant is unknown');
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    throw bad(text, 'a date or time field is out of range');
  }
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  let offsetMinutes = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const offHours = Number(digits.slice(0, 2));
    const offMinutes = Number(digits.slice(2) || '0');
    if (offHours > 23 || offMinutes > 59) throw bad(text, 'the UTC offset is out of range');
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offHours * 60 + offMinutes);
  }
  // Date.UTC maps years 0–99 to 1900+; setUTCFullYear keeps them literal.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year);
  return date.getTime() - offsetMinutes * 60_000;
}

/**
 * A Coupa timestamp (or epoch ms, or Date) as a UTC instant: `2016-10-07T13:59:46Z`; milliseconds
 * appear only when non-zero. The form used in event metadata and idempotency keys.
 *
 * @example
 * toUtcIso('2016-10-07T06:59:46-07:00') // → '2016-10-07T13:59:46Z'
 */
export function toUtcIso(value: string | number | Date): string {
  const ms = typeof value === 'string' ? parseCoupaInstant(value) : value instanceof Date ? value.getTime() : value;
  if (!Number.isFinite(ms)) throw bad(String(value), 'not a valid instant');
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function bad(text: unknown, why: string): CoupaValidationError {
  const shown = typeof text === 'string' ? JSON.stringify(text.slice(0, 60)) : String(text);
  return new CoupaValidationError(`${shown} is not a Coupa timestamp: ${why}`);
}
