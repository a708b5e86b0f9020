/**
 * The shape of one entry of the object catalog. The catalog is data: one generic poller and one generic
 * action path read it; nothing in the code base branches on an object key.
 *
 * Paths are relative to the API base (`https://acme.coupahost.com/api`) and written as in Coupa's OpenAPI
 * files: `/suppliers/{supplier_id}/addresses`, member paths end in `/{id}`.
 */

/** What the connector offers for an object (design.md's table is the floor). */
export interface Capabilities {
  /** A poller can turn changes (on `updated-at`) into events. */
  readonly trigger: boolean;
  /** GET list and GET by id. */
  readonly query: boolean;
  /** POST a new record (or `createVia` an embedding parent). */
  readonly create: boolean;
  /** PUT changes to an existing record. */
  readonly update: boolean;
}

export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A special action: `PUT /api/invoices/{id}/submit`. `on: 'member'` acts on one record (path
 * `{member}/{name}`), `on: 'collection'` on the resource (`{collection}/{name}`).
 */
export interface SpecialAction {
  readonly name: string;
  readonly method: HttpVerb;
  readonly on: 'member' | 'collection';
  /** One line for people: what Coupa does. */
  readonly description: string;
  /** Query parameters the action takes (e.g. `reason` for approvals/reject). */
  readonly queryParams?: readonly string[];
  /** Is a request body meaningful (e.g. `total_records` for integration runs/run)? */
  readonly body?: boolean;
}

/** Another path that serves the same records under a parent, e.g. `/users/{user_id}/addresses`. */
export interface NestedPath {
  /** Collection path with one `{<param>}` placeholder. */
  readonly path: string;
  /** The placeholder's name, e.g. `user_id`. */
  readonly param: string;
  /** Catalog key of the parent object. */
  readonly parent: string;
  /** The record attribute that holds the parent id, when Coupa shows one (e.g. `supplier-id`). */
  readonly parentField?: string;
  /** Verbs this path accepts on the collection and the member. */
  readonly collectionVerbs: readonly HttpVerb[];
  readonly memberVerbs: readonly HttpVerb[];
}

/**
 * Writes that Coupa does not take on the object's own path, with the source that says how they work.
 * `purchase_order_lines` are created by adding to the parent's embedded `order-lines`.
 */
export interface CreateVia {
  readonly parent: string;
  /** The parent's embedded array key, e.g. `order-lines`. */
  readonly field: string;
  /** The child attribute naming its parent, e.g. `order-header-id`. */
  readonly parentIdField: string;
}

/** A verb the catalog uses although R39's OpenAPI files lack it, with the document that has it. */
export interface SpecGap {
  readonly method: HttpVerb;
  readonly path: string;
  readonly source: string;
}

export interface CatalogObject {
  /** Catalog key = API resource, snake_case plural: `purchase_orders`. */
  readonly key: string;
  /** Title for event names: `Purchase Order` → `Coupa Purchase Order Updated`. */
  readonly title: string;
  /** Singular model name, as in Coupa's error bodies: `{"errors":{"purchase_order":[...]}}`. */
  readonly model: string;
  /** The definition name in Coupa's OpenAPI files: `OrderHeader`. */
  readonly definition: string;
  /**
   * The main collection path (`/invoices`). Objects that Coupa only serves under a parent (remit-to
   * addresses) have a placeholder here and `parentParam` set.
   */
  readonly path: string;
  /** Set when `path` has a placeholder: its name and the parent's catalog key. */
  readonly parentParam?: { readonly param: string; readonly parent: string; readonly parentField?: string };
  readonly nestedPaths: readonly NestedPath[];
  readonly capabilities: Capabilities;
  /**
   * Alternative natural keys, each a list of attributes that together identify a record:
   * `[['po-number']]`, `[['code'], ['name']]`. Empty when Coupa has none.
   */
  readonly naturalKeys: readonly (readonly string[])[];
  /** OAuth scopes; `core.common.read` is always requested besides these. */
  readonly scopes: { readonly read: string; readonly write: string };
  /** The change field pollers follow. */
  readonly changeField: 'updated-at';
  /** The record has Coupa's `exported` flag (and `mark_exported` via `PUT ...?exported=true`). */
  readonly exportFlag: boolean;
  readonly actions: readonly SpecialAction[];
  readonly createVia?: CreateVia;
  /** Verbs used by the catalog that the R39 OpenAPI files do not list, with the doc that does. */
  readonly specGaps: readonly SpecGap[];
  /** Initial status of a record created through the API, where Coupa documents one (`draft`). */
  readonly createStatus?: string;
  /**
   * Set when records of the object take file attachments (the `attach` action): the collection path of
   * a record's attachments, `/invoices/{invoice_id}/attachments` (POST multipart to add, GET to list).
   */
  readonly attachments?: AttachmentsPath;
}

/** Where a record's attachments live (Coupa Attachments API). */
export interface AttachmentsPath {
  /** Collection path with one placeholder, the record's id: `/invoices/{invoice_id}/attachments`. */
  readonly path: string;
  /** The placeholder's name: `invoice_id`. */
  readonly param: string;
}
