import { getObject } from '../../shared/catalog';
import type { CoupaEventEntry } from '../../shared/events';

const attribute = (record: Record<string, unknown>, dotted: string): unknown =>
  dotted
    .split('.')
    .reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), record);

/**
 * One readable line per event: time, detail type, object and id, the record's natural key and status.
 * `11-27 14:02:11Z  Coupa Invoice Updated   invoices #17   INV-000017 / Acme · approved` (time = updated-at, UTC)
 */
export function summarizeEvent(entry: CoupaEventEntry): string {
  const detail = JSON.parse(entry.Detail) as {
    metadata: { object: string; recordId: number; updatedAt: string; payload: string };
    data?: Record<string, unknown>;
  };
  const { metadata, data } = detail;
  const parts: string[] = [];
  if (data) {
    const object = getObject(metadata.object);
    const key = object.naturalKeys[0]?.map((k) => attribute(data, k)).filter((v) => v !== undefined && v !== null);
    if (key && key.length > 0) parts.push(key.join(' / '));
    else if (typeof data.name === 'string') parts.push(data.name);
    if (typeof data.status === 'string') parts.push(data.status);
  } else {
    parts.push('record stored by claim check');
  }
  const time = `${metadata.updatedAt.slice(5, 10)} ${metadata.updatedAt.slice(11, 19)}Z`;
  return `${time}  ${entry.DetailType.padEnd(34)} ${`${metadata.object} #${metadata.recordId}`.padEnd(26)} ${parts.join(' · ')}`.trimEnd();
}
