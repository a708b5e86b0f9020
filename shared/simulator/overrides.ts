/**
 * The little per-object knowledge that neither the catalog nor the OpenAPI files carry: which fields a
 * create needs (the files' `required` lists are far longer than what Coupa really enforces, so
 * coupa-api.md §6 is followed instead), plausible statuses, legacy custom keys, and the status
 * transitions of special actions. Everything else is generic.
 */

export interface ActionContext {
  /** The simulator clock, canonical UTC (`2026-11-27T08:00:00Z`). */
  readonly nowIso: string;
  /** Query parameters of the action request (`reason` for approvals). */
  readonly query: URLSearchParams;
  /** The request body, keys dashed. */
  readonly body: Record<string, unknown>;
}

export interface ActionRule {
  /** Statuses the action accepts; any other → 400. Absent = any status. */
  readonly from?: readonly string[];
  /** The status afterwards; absent = unchanged (the action still counts as an update). */
  readonly to?: string;
  /** Further attribute changes. */
  readonly effect?: (ctx: ActionContext) => Record<string, unknown>;
  /** Collection POST actions that create a record (with `to` as its status). */
  readonly creates?: boolean;
  /** Collection POST actions that create a record and mark its document exported. */
  readonly marksDocumentExported?: boolean;
}

export type NameStyle = 'company' | 'department' | 'product' | 'contract' | 'integration' | 'lookup' | 'site' | 'place';

export interface ObjectOverrides {
  /** Fields a create must carry (Rails-style "X can't be blank" otherwise). */
  readonly required?: readonly string[];
  /** Values for generated `status`, repeated to weight them. */
  readonly statuses?: readonly string[];
  /** Values for other generated attributes. */
  readonly values?: Readonly<Record<string, readonly unknown[]>>;
  /** Attributes generated records always have (never null), besides the required ones. */
  readonly filled?: readonly string[];
  /** Old-style custom fields shown as top-level keys ("API Global Namespace"). */
  readonly legacyCustomFields?: readonly string[];
  /** Since R31 Supplier Information leaves null fields out of payloads. */
  readonly omitNulls?: boolean;
  readonly nameStyle?: NameStyle;
  /** Prefix for generated document numbers (`INV-000042`). */
  readonly numberPrefix?: string;
  readonly actions?: Readonly<Record<string, ActionRule>>;
  /** Body flags of a PUT that run an action (`{"_cancel": true}` on an order runs `cancel`). */
  readonly flags?: Readonly<Record<string, string>>;
}

const stamp = (field: string) => (ctx: ActionContext) => ({ [field]: ctx.nowIso });
const OPEN_INVOICE = ['pending_approval', 'approved', 'on_hold', 'ap_hold', 'pending_receipt', 'pending_action', 'booking_hold'];
const PO_HOLDS = ['draft', 'buyer_hold', 'currency_hold', 'supplier_hold', 'supplier_window_hold'];
const resolved = (value: boolean) => () => ({ resolved: value });

export const OVERRIDES: Readonly<Record<string, ObjectOverrides>> = {
  accounts: { required: ['account-type'], numberPrefix: 'ACC' },
  addresses: { required: ['street1', 'city', 'postal-code', 'country'], nameStyle: 'place' },
  contracts: {
    required: ['name', 'supplier'],
    nameStyle: 'contract',
    numberPrefix: 'CTR',
    statuses: ['draft', 'published', 'published', 'published', 'pending_approval', 'expired'],
    actions: {
      submit_for_approval: { from: ['draft'], to: 'pending_approval' },
      complete: { to: 'completed' },
      update_published: { from: ['published'] },
      withdraw_signatures: { to: 'draft' },
      create_published: { to: 'published' },
    },
  },
  departments: { required: ['name'], nameStyle: 'department' },
  exchange_rates: { required: ['from-currency', 'to-currency'] },
  expense_reports: {
    statuses: ['draft', 'pending_approval', 'pending_approval', 'approved', 'approved', 'paid', 'rejected'],
    actions: { submit: { from: ['draft', 'rejected'], to: 'pending_approval', effect: stamp('submitted-at') } },
  },
  invoices: {
    required: ['invoice-number', 'invoice-date', 'supplier'],
    numberPrefix: 'INV',
    legacyCustomFields: ['erp-batch-reference'],
    statuses: [
      'approved',
      'approved',
      'approved',
      'approved',
      'pending_approval',
      'pending_approval',
      'draft',
      'voided',
      'on_hold',
      'disputed',
      'new',
      'pending_receipt',
    ],
    actions: {
      submit: { from: ['draft', 'new', 'invalid'], to: 'pending_approval' },
      void: { from: [...OPEN_INVOICE, 'disputed', 'rejected'], to: 'voided' },
      abandon: { from: ['draft', 'new', 'invalid'], to: 'abandoned' },
      dispute: { from: OPEN_INVOICE, to: 'disputed' },
      withdraw_dispute: { from: ['disputed'], to: 'pending_approval' },
      bypass_approvals: { from: ['pending_approval'], to: 'approved' },
      bypass_current_approval: { from: ['pending_approval'], to: 'approved' },
      restart_approvals: { from: ['pending_approval', 'on_hold', 'ap_hold'], to: 'pending_approval' },
    },
  },
  items: { required: ['name', 'description'], nameStyle: 'product', numberPrefix: 'ITM' },
  lookup_values: { required: ['name', 'lookup'], nameStyle: 'lookup' },
  remit_to_addresses: { required: ['remit-to-code', 'street1', 'city', 'postal-code', 'country'], nameStyle: 'place' },
  suppliers: {
    required: ['name'],
    nameStyle: 'company',
    numberPrefix: 'SUP',
    statuses: ['active', 'active', 'active', 'inactive', 'draft'],
  },
  supplier_information: {
    required: ['name'],
    nameStyle: 'company',
    omitNulls: true,
    statuses: ['draft', 'approved', 'approved', 'pending_approval'],
  },
  supplier_items: { required: ['supplier', 'supplier-part-num'] },
  supplier_sites: { required: ['code', 'name'], nameStyle: 'site' },
  users: { required: ['login', 'email', 'firstname', 'lastname'], numberPrefix: 'EMP' },
  approvals: {
    statuses: ['pending', 'pending', 'approved', 'approved', 'rejected'],
    filled: ['approver'],
    values: {
      'approvable-type': ['RequisitionHeader', 'RequisitionHeader', 'InvoiceHeader', 'ExpenseReport', 'OrderHeader'],
      'approvable-id': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      'approver-type': ['User'],
      position: [1, 2, 3],
      type: ['ApprovalChainApproval', 'ManualApproval'],
    },
    actions: {
      approve: { from: ['pending', 'on_hold'], to: 'approved', effect: (ctx) => ({ 'approval-date': ctx.nowIso, ...reasonNote(ctx) }) },
      reject: { from: ['pending', 'on_hold'], to: 'rejected', effect: (ctx) => ({ 'approval-date': ctx.nowIso, ...reasonNote(ctx) }) },
      hold: { from: ['pending'], to: 'on_hold', effect: reasonNote },
    },
  },
  requisitions: {
    statuses: ['approved', 'approved', 'pending_approval', 'pending_approval', 'ordered', 'ordered', 'draft', 'cart', 'withdrawn'],
    actions: {
      update_and_submit_for_approval: { from: ['draft', 'cart', 'withdrawn'], to: 'pending_approval', effect: stamp('submitted-at') },
      save_for_later: { from: ['cart', 'draft'], to: 'draft' },
      submit_for_approval: { creates: true, to: 'pending_approval' },
      create_as_cart: { creates: true, to: 'cart' },
    },
  },
  inventory_transactions: {
    required: ['type'],
    statuses: ['completed', 'completed', 'completed', 'voided'],
    actions: { void: { from: ['completed', 'created', 'pending'], to: 'voided' } },
  },
  purchase_orders: {
    required: ['supplier'],
    numberPrefix: 'PO',
    flags: { _cancel: 'cancel', _close: 'close' },
    statuses: ['issued', 'issued', 'issued', 'issued', 'draft', 'buyer_hold', 'closed', 'cancelled', 'supplier_hold'],
    actions: {
      issue: { from: PO_HOLDS, to: 'issued' },
      issue_without_send: { from: PO_HOLDS, to: 'issued' },
      ignore_window_and_issue: { from: PO_HOLDS, to: 'issued' },
      cancel: { from: [...PO_HOLDS, 'issued', 'error'], to: 'cancelled' },
      close: { from: ['issued', 'exported'], to: 'closed' },
      reopen: { from: ['closed'], to: 'issued' },
      release_from_buyer_hold: { from: ['buyer_hold'], to: 'issued' },
    },
  },
  purchase_order_lines: {
    legacyCustomFields: ['gl-override-code'],
    statuses: ['created', 'created', 'received', 'partially_received', 'soft_closed_for_receiving'],
    actions: {
      soft_close_for_receiving: { to: 'soft_closed_for_receiving' },
      soft_close_for_invoicing: { to: 'soft_closed_for_invoicing' },
      reopen_for_receiving: { to: 'created' },
      reopen_for_invoicing: { to: 'created' },
    },
  },
  expense_lines: {
    required: ['expense-category', 'foreign-currency', 'start-date'],
    statuses: ['draft', 'pending_approval', 'approved', 'approved'],
  },
  integrations: { required: ['name', 'code'], nameStyle: 'integration', numberPrefix: 'INT' },
  integration_errors: {
    required: ['integration-run', 'contact-alert-type'],
    statuses: ['Error', 'Error', 'Warning'],
    actions: {
      resolve: { effect: resolved(true) },
      unresolve: { effect: resolved(false) },
      create_alert: { creates: true },
    },
  },
  integration_runs: {
    required: ['integration'],
    statuses: ['pending', 'running', 'successful', 'successful', 'successful', 'failed'],
    actions: {
      run: {
        from: ['pending', 'paused'],
        to: 'running',
        effect: (ctx) => ({ 'start-time': ctx.nowIso, ...pickBody(ctx, ['total-records']) }),
      },
      pause: { from: ['running', 'pending'], to: 'paused' },
      pending: { from: ['running', 'paused', 'pending'], to: 'pending' },
      success: { from: ['pending', 'running', 'paused'], to: 'successful', effect: stamp('end-time') },
      fail: { from: ['pending', 'running', 'paused'], to: 'failed', effect: stamp('end-time') },
      finish: { from: ['pending', 'running', 'paused'], to: 'successful', effect: stamp('end-time') },
    },
  },
  integration_history_records: {
    required: ['document-type', 'document-id', 'contact-alert-type'],
    statuses: ['Success', 'Success', 'Success', 'Error'],
    actions: {
      resolve: { effect: resolved(true) },
      unresolve: { effect: resolved(false) },
      create_alert: { creates: true },
      mark_exported: { creates: true, marksDocumentExported: true },
      create_alert_and_mark_exported: { creates: true, marksDocumentExported: true },
      acknowledge: { creates: true },
    },
  },
};

function reasonNote(ctx: ActionContext): Record<string, unknown> {
  const reason = ctx.query.get('reason') ?? ctx.body.reason;
  return typeof reason === 'string' ? { note: reason } : {};
}

function pickBody(ctx: ActionContext, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (ctx.body[k] !== undefined) out[k] = ctx.body[k];
  return out;
}

export const overridesOf = (key: string): ObjectOverrides => OVERRIDES[key] ?? {};
