// Types of the action core: what callers pass, what parseActionInput makes of it, what runAction
// returns. No logic here.
import type { HttpVerb } from '../catalog';
import type { PayloadStore } from '../changes/ports';
import type { CoupaClient, CoupaQuery, CoupaRecord, FieldSpec } from '../coupa';
import type { DataRef } from '../events';
import type { FileLocation, FileSource } from './files';

/** What to run: an action name and its input (`{object, id?, data?, query?, …, idempotencyKey?}`). */
export interface ActionRequest {
  readonly action: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/**
 * The built-in actions, or the name of a special action of the object (`submit`, `approve`, …; see
 * `actions` in the catalog).
 */
export type ActionName = 'create' | 'update' | 'get' | 'query' | 'request' | 'attach' | 'mark_exported' | string;

/**
 * What the action core needs: a Coupa client (the CLI, the Lambdas and the tests each build one); for
 * `attach`, where files are read from; for `request` answers that are files, where they are kept.
 */
export interface ActionDeps {
  readonly client: Pick<CoupaClient, 'request' | 'requestContent' | 'list' | 'get' | 'create' | 'update' | 'action'>;
  /** Reads the file `attach` uploads (S3 in Lambda, local files in the CLI). Without it, `attach` fails. */
  readonly files?: FileSource;
  /**
   * Keeps files that `request` gets back (image scans, PDFs) under `keyPrefix` (S3 in Lambda, a
   * directory in the CLI). Without it, a file answer fails with `Coupa.Configuration`.
   */
  readonly fileResults?: { readonly store: PayloadStore; readonly keyPrefix: string };
  /**
   * Epoch ms by which every Coupa call must have ended (a Lambda's deadline less a reserve): each call
   * fails before it with a retryable error (`shared/coupa` `deadlineMs`), and `query` stops paging
   * early, returning what it has with `truncated: true`. Without it, calls are bounded only by the
   * client's timeouts and retries.
   */
  readonly deadlineMs?: number;
  /** The most bytes of records (as JSON) one `query` holds. @default MAX_QUERY_RESULT_BYTES (8 MiB) */
  readonly queryResultBytes?: number;
}

/** Why a query result stopped before Coupa ran out of records. */
export type TruncatedBy = 'limit' | 'bytes' | 'deadline';

/** A stored file: where (`bucket`/`key`, or `file://dir` and the path below it), size, SHA-256, type. */
export type FileRef = DataRef & { readonly contentType: string };

/**
 * The answer of an action.
 * - one record (get, create, update, special actions, mark_exported): `record` is Coupa's answer as
 *   returned (dashed keys), `null` with `returnType: "none"` or an empty answer; `id` is the record's id
 *   (from the answer, else from the input), `null` when unknown (a create with `returnType: "none"`);
 * - records (query): `truncated` is true when the result stopped while Coupa has, or may have, more:
 *   at `limit`, at the byte budget (`MAX_QUERY_RESULT_BYTES`) or near the deadline (`truncatedBy`);
 *   continue with `offset: nextOffset` (= offset + count);
 * - request: Coupa's HTTP status and parsed JSON body (`null` when empty), or, when Coupa answers
 *   with a file (an image scan, a PDF), the status and a claim check of the stored bytes (`file`);
 * - attach: the record (`object`, `id`), Coupa's new attachment record, and what was uploaded.
 */
export type ActionResult =
  | { object: string; id: number | null; record: CoupaRecord | null }
  | { object: string; records: CoupaRecord[]; count: number; truncated: boolean; nextOffset?: number; truncatedBy?: TruncatedBy }
  | { status: number; body: unknown }
  | { status: number; file: FileRef }
  | { object: string; id: number; attachment: CoupaRecord | null; file: AttachedFile };

/** What `attach` uploaded: the name and type Coupa got, the size and SHA-256 of the bytes sent. */
export interface AttachedFile {
  readonly filename: string;
  readonly contentType: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** `return_object` of Coupa, plus `default` (the full record). `none` is for writes only. */
export type ActionReturnType = 'default' | 'shallow' | 'limited' | 'none';

/** How the answer is shaped; `fields` wins over `returnType` where Coupa gets both. */
interface ResponseShape {
  readonly returnType: ActionReturnType;
  readonly fields?: FieldSpec;
}

interface OnObject {
  /** Catalog key, normalised (`purchase-orders` → `purchase_orders`). */
  readonly object: string;
  /** Collection path below `/api`, parent filled in: `suppliers/12/supplier_sites`. */
  readonly path: string;
  readonly idempotencyKey?: string;
}

/** A parent named by `parent: {supplier_id: 12}`: the path placeholder and the id. */
export interface ParentRef {
  readonly param: string;
  readonly id: number;
}

export interface ParsedGet extends OnObject, ResponseShape {
  readonly kind: 'get';
  readonly parent?: ParentRef;
  /** Set for a get by id. */
  readonly id?: number;
  /** Set for a get by natural key: attribute paths (dashed, dotted) → value. */
  readonly naturalKey?: Readonly<Record<string, string | number>>;
  /** The exact-match query a natural key becomes. */
  readonly filters?: CoupaQuery;
}

export interface ParsedQuery extends OnObject, ResponseShape {
  readonly kind: 'query';
  readonly parent?: ParentRef;
  /** Conditions as `buildQuery` takes them (checked). */
  readonly filters: CoupaQuery;
  /** Most records to return, across pages. */
  readonly limit: number;
  /** Rows to skip first. */
  readonly offset: number;
  readonly orderBy?: string;
  readonly dir?: 'asc' | 'desc';
}

export interface ParsedCreate extends OnObject, ResponseShape {
  readonly kind: 'create';
  readonly parent?: ParentRef;
  /** The record's fields, custom fields under `custom-fields`. */
  readonly data: Readonly<Record<string, unknown>>;
  /**
   * Set for objects created through an embedding parent (`purchase_order_lines`): the request is
   * `PUT /api/{via.path}/{via.id}` with `{[via.field]: [data]}`.
   */
  readonly via?: { readonly object: string; readonly path: string; readonly id: number; readonly field: string };
}

export interface ParsedUpdate extends OnObject, ResponseShape {
  readonly kind: 'update';
  readonly parent?: ParentRef;
  readonly id: number;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface ParsedMarkExported extends OnObject, ResponseShape {
  readonly kind: 'mark_exported';
  readonly id: number;
}

export interface ParsedSpecialAction extends OnObject, ResponseShape {
  readonly kind: 'special';
  /** The catalog's action name: `submit`, `approve`. */
  readonly action: string;
  readonly method: HttpVerb;
  /** The record for member actions, `null` for collection actions. */
  readonly id: number | null;
  readonly data?: Readonly<Record<string, unknown>>;
  /** Query parameters the catalog declares for the action (`reason`). */
  readonly params?: Readonly<Record<string, string | number | boolean>>;
}

export interface ParsedRequest {
  readonly kind: 'request';
  readonly method: HttpVerb;
  /** Below `/api`, checked: `invoices/5/retrieve_image_scan`. */
  readonly path: string;
  readonly query?: CoupaQuery;
  readonly body?: unknown;
  readonly idempotencyKey?: string;
}

export interface ParsedAttach {
  readonly kind: 'attach';
  readonly object: string;
  /** The record's attachments below `/api`: `invoices/5/attachments`. */
  readonly path: string;
  readonly id: number;
  readonly file: FileLocation;
  /** The name Coupa shows; default: the last segment of the key or path. */
  readonly filename?: string;
  /** Default: the S3 object's type, else by the file name's extension, else `application/octet-stream`. */
  readonly contentType?: string;
  /** Coupa's `intent` of the attachment (up to 40 characters). */
  readonly intent?: string;
  readonly idempotencyKey?: string;
}

/** A validated, normalised action input: plain JSON data, ready to run. */
export type ParsedAction =
  | ParsedGet
  | ParsedQuery
  | ParsedCreate
  | ParsedUpdate
  | ParsedMarkExported
  | ParsedSpecialAction
  | ParsedRequest
  | ParsedAttach;
