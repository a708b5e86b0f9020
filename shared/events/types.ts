/**
 * The public event contract (design.md "Events"): one EventBridge entry per changed record version.
 * Versioned by `metadata.schemaVersion`; JSON Schemas per detail type are in ./schemas.
 */

export type ChangeKind = 'created' | 'updated';
/** How much of the record an event carries: Coupa's `return_object` (`default` is the whole record). */
export const EVENT_RETURN_TYPES = ['default', 'shallow', 'limited'] as const;
export type EventReturnType = (typeof EVENT_RETURN_TYPES)[number];

export interface EventMetadata {
  readonly schemaVersion: '1';
  /** Unique per record version: the same version published again carries the same id. */
  readonly eventId: string;
  /** The Coupa instance name, e.g. `acme`. */
  readonly instance: string;
  /** Catalog key, e.g. `invoices`. */
  readonly object: string;
  readonly recordId: number;
  /** The record's `updated-at` as a UTC instant, `2026-11-27T08:00:00Z`. */
  readonly updatedAt: string;
  readonly change: ChangeKind;
  readonly returnType: EventReturnType;
  /** `<instance>:<object>:<recordId>:<updatedAt>` (`…:<trigger>` for a named trigger): what a consumer dedupes on. */
  readonly idempotencyKey: string;
  /** The poll run that published it. */
  readonly runId: string;
  readonly payload: 'inline' | 's3';
}

/** Where a record too large to travel inline was stored (claim check). */
export interface DataRef {
  readonly bucket: string;
  readonly key: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** A Coupa record as Coupa returned it: dashed keys, custom fields included. */
export type CoupaRecord = Record<string, unknown> & { readonly id: number };

export type CoupaEventDetail =
  | { readonly metadata: EventMetadata & { readonly payload: 'inline' }; readonly data: CoupaRecord }
  | { readonly metadata: EventMetadata & { readonly payload: 's3' }; readonly dataRef: DataRef };

/** An EventBridge PutEvents entry before it is given a bus name. */
export interface CoupaEventEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  /**
   * The record's `updated-at` as an ISO-8601 UTC instant (`2026-11-27T08:00:00Z`), so rules and archives
   * see when it changed. A string, as PutEvents takes it in JSON (the CLI and the API read a number as
   * epoch seconds): `--out` lines replay as they are.
   */
  readonly Time: string;
}
