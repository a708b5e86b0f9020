import { createHash } from 'node:crypto';
import type { CatalogObject } from '../catalog';
import { detailTypeOf } from './detail-types';
import type { ChangeKind, CoupaEventDetail, CoupaRecord, DataRef, EventMetadata, EventReturnType } from './types';

export interface EnvelopeContext {
  readonly instance: string;
  readonly source: string;
  readonly returnType: EventReturnType;
  readonly runId: string;
  /**
   * The trigger's name when an object has several triggers (shared/changes/triggers.ts): it ends the
   * idempotency key, so two triggers' events for one record version (different shapes) differ.
   */
  readonly trigger?: string;
}

/** A UTC instant with whole seconds, `2026-11-27T08:00:00Z`, from any ISO-8601 string with an offset. */
export function toUtcSecond(value: unknown): string {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new Error(`Not an ISO-8601 instant: ${JSON.stringify(value)}`);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A UUID-shaped id derived from the idempotency key: the same version always gets the same id. */
function eventIdOf(idempotencyKey: string): string {
  const h = createHash('sha256').update(idempotencyKey).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The metadata of the event for one record version. `change` is the poller's call (is this the first
 * version it publishes of a new record?): the record alone cannot tell.
 */
export function metadataOf(
  object: CatalogObject,
  record: CoupaRecord,
  change: ChangeKind,
  ctx: EnvelopeContext,
): Omit<EventMetadata, 'payload'> {
  const updatedAt = toUtcSecond(record['updated-at']);
  const idempotencyKey = `${ctx.instance}:${object.key}:${record.id}:${updatedAt}${ctx.trigger ? `:${ctx.trigger}` : ''}`;
  return {
    schemaVersion: '1',
    eventId: eventIdOf(idempotencyKey),
    instance: ctx.instance,
    object: object.key,
    recordId: record.id,
    updatedAt,
    change,
    returnType: ctx.returnType,
    idempotencyKey,
    runId: ctx.runId,
  };
}

/** The event detail carrying the record inline. */
export function inlineDetail(object: CatalogObject, record: CoupaRecord, change: ChangeKind, ctx: EnvelopeContext): CoupaEventDetail {
  return { metadata: { ...metadataOf(object, record, change, ctx), payload: 'inline' }, data: record };
}

/** The claim-check form of an inline detail: the same metadata, `dataRef` where the record was stored. */
export function claimCheckDetail(inline: CoupaEventDetail, dataRef: DataRef): CoupaEventDetail {
  return { metadata: { ...inline.metadata, payload: 's3' }, dataRef };
}

/** The PutEvents entry (without bus name) for a detail. */
export function entryOf(object: CatalogObject, detail: CoupaEventDetail, source: string) {
  return {
    Source: source,
    DetailType: detailTypeOf(object, detail.metadata.change),
    Detail: JSON.stringify(detail),
    Time: detail.metadata.updatedAt,
  };
}
