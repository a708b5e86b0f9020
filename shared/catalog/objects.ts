import type { AttachmentsPath, CatalogObject, HttpVerb, NestedPath, SpecGap, SpecialAction } from './types';

/*
 * The 25 objects. Sources: design.md's table (the floor), coupa-api.md §6, and the R39 OpenAPI files
 * (every path and verb here is checked against them by test/unit/catalog; the few they lack are listed
 * in `specGaps` with the Compass page that documents them).
 *
 * Capabilities go beyond the table where Coupa's API allows it (PUT on the member path), except where the
 * table deliberately says no: approvals are decided through approve/reject/hold, not edited.
 */

const COLLECTION_RW: readonly HttpVerb[] = ['GET', 'POST'];
const MEMBER_RW: readonly HttpVerb[] = ['GET', 'PUT', 'PATCH'];

const put = (name: string, description: string, extra: Partial<SpecialAction> = {}): SpecialAction => ({
  name,
  method: 'PUT',
  on: 'member',
  description,
  ...extra,
});
const postCollection = (name: string, description: string): SpecialAction => ({
  name,
  method: 'POST',
  on: 'collection',
  description,
  body: true,
});

type Entry = Omit<CatalogObject, 'changeField' | 'nestedPaths' | 'specGaps' | 'actions' | 'exportFlag'> &
  Partial<Pick<CatalogObject, 'nestedPaths' | 'specGaps' | 'actions' | 'exportFlag'>>;

const crud = { trigger: true, query: true, create: true, update: true } as const;

/**
 * Attachments (the `attach` action): the objects among the 25 that the R39 OpenAPI files give
 * `/<resource>/{<model>_id}/attachments` (GET, POST multipart), plus the two that only Compass's
 * Attachments API page lists (expense reports, users; recorded as spec gaps). Suppliers take none.
 */
const attachable = (resource: string, param: string): AttachmentsPath => ({ path: `/${resource}/{${param}}/attachments`, param });
const ATTACHMENTS_PAGE = 'Compass Attachments API (shared resources): POST and GET /api/<resource>/:id/attachments';
const attachmentGaps = (a: AttachmentsPath): SpecGap[] => [
  { method: 'POST', path: a.path, source: ATTACHMENTS_PAGE },
  { method: 'GET', path: a.path, source: ATTACHMENTS_PAGE },
];
const EXPENSE_REPORT_ATTACHMENTS = attachable('expense_reports', 'expense_report_id');
const USER_ATTACHMENTS = attachable('users', 'user_id');

const entries: Entry[] = [
  {
    key: 'accounts',
    title: 'Account',
    model: 'account',
    definition: 'Account',
    path: '/accounts',
    capabilities: crud,
    naturalKeys: [['code', 'account-type.name']],
    scopes: { read: 'core.accounting.read', write: 'core.accounting.write' },
    actions: [postCollection('validate_account', 'Check an account combination without saving it')],
  },
  {
    key: 'addresses',
    title: 'Address',
    model: 'address',
    definition: 'Address',
    path: '/addresses',
    nestedPaths: [
      { path: '/users/{user_id}/addresses', param: 'user_id', parent: 'users', collectionVerbs: COLLECTION_RW, memberVerbs: MEMBER_RW },
    ],
    capabilities: crud,
    naturalKeys: [['location-code']],
    scopes: { read: 'core.common.read', write: 'core.common.write' },
  },
  {
    key: 'contracts',
    title: 'Contract',
    model: 'contract',
    definition: 'Contract',
    path: '/contracts',
    attachments: attachable('contracts', 'contract_id'),
    capabilities: crud,
    naturalKeys: [['number'], ['name']],
    scopes: { read: 'core.contract.read', write: 'core.contract.write' },
    createStatus: 'draft',
    actions: [
      put('submit_for_approval', 'Submit a draft contract for approval'),
      put('complete', 'Complete a contract'),
      put('update_published', 'Update a published contract'),
      put('withdraw_signatures', 'Withdraw pending signatures'),
      put('add_approver', 'Add an approver', { body: true }),
      put('remove_approval', 'Remove an approval', { body: true }),
      { name: 'create_published', method: 'POST', on: 'member', description: 'Publish a contract created in draft' },
    ],
  },
  {
    key: 'departments',
    title: 'Department',
    model: 'department',
    definition: 'Department',
    path: '/departments',
    capabilities: crud,
    naturalKeys: [['name']],
    scopes: { read: 'core.common.read', write: 'core.common.write' },
  },
  {
    key: 'exchange_rates',
    title: 'Exchange Rate',
    model: 'exchange_rate',
    definition: 'ExchangeRate',
    path: '/exchange_rates',
    capabilities: crud,
    naturalKeys: [['from-currency.code', 'to-currency.code', 'rate-date']],
    scopes: { read: 'core.common.read', write: 'core.common.write' },
  },
  {
    key: 'expense_reports',
    title: 'Expense Report',
    model: 'expense_report',
    definition: 'ExpenseReport',
    path: '/expense_reports',
    attachments: EXPENSE_REPORT_ATTACHMENTS,
    specGaps: attachmentGaps(EXPENSE_REPORT_ATTACHMENTS),
    capabilities: crud,
    naturalKeys: [],
    scopes: { read: 'core.expense.read', write: 'core.expense.write' },
    exportFlag: true,
    createStatus: 'draft',
    actions: [
      put('submit', 'Submit a draft expense report for approval'),
      put('add_approver', 'Add an approver', { body: true }),
      put('remove_approval', 'Remove an approval', { body: true }),
    ],
  },
  {
    key: 'invoices',
    title: 'Invoice',
    model: 'invoice_header',
    definition: 'InvoiceHeader',
    path: '/invoices',
    attachments: attachable('invoices', 'invoice_id'),
    nestedPaths: [],
    capabilities: crud,
    naturalKeys: [['invoice-number', 'supplier.name']],
    scopes: { read: 'core.invoice.read', write: 'core.invoice.write' },
    exportFlag: true,
    createStatus: 'draft',
    specGaps: [
      {
        method: 'POST',
        path: '/invoices',
        source: 'Compass 0205 Invoices API: POST creates a draft invoice (absent from the R38/R39 OpenAPI files)',
      },
    ],
    actions: [
      put('submit', 'Submit a draft invoice'),
      put('void', 'Void an invoice'),
      put('abandon', 'Abandon a draft invoice'),
      put('dispute', 'Dispute an invoice', { body: true }),
      put('withdraw_dispute', 'Withdraw a dispute'),
      put('bypass_approvals', 'Bypass all approvals'),
      put('bypass_current_approval', 'Bypass the current approval'),
      put('restart_approvals', 'Restart approvals'),
      put('revalidate_tolerances', 'Re-run tolerance checks'),
      put('add_approver', 'Add an approver', { body: true }),
      put('remove_approval', 'Remove an approval', { body: true }),
      put('update_line_accounts', 'Update line accounts', { body: true }),
    ],
  },
  {
    key: 'items',
    title: 'Item',
    model: 'item',
    definition: 'Item',
    path: '/items',
    capabilities: crud,
    naturalKeys: [['item-number']],
    scopes: { read: 'core.catalog.read', write: 'core.item.write' },
  },
  {
    key: 'lookup_values',
    title: 'Lookup Value',
    model: 'lookup_value',
    definition: 'LookupValue',
    path: '/lookup_values',
    capabilities: crud,
    naturalKeys: [['external-ref-num'], ['name', 'lookup.name']],
    scopes: { read: 'core.common.read', write: 'core.common.write' },
  },
  {
    key: 'remit_to_addresses',
    title: 'Remit To Address',
    model: 'remit_to_address',
    definition: 'RemitToAddress',
    // Coupa serves remit-to addresses only under their supplier (Compass 0071).
    path: '/suppliers/{supplier_id}/addresses',
    parentParam: { param: 'supplier_id', parent: 'suppliers', parentField: 'supplier-id' },
    nestedPaths: [
      {
        path: '/invoices/{invoice_id}/remit_to_addresses',
        param: 'invoice_id',
        parent: 'invoices',
        collectionVerbs: COLLECTION_RW,
        memberVerbs: ['GET', 'PUT', 'PATCH', 'DELETE'],
      },
    ],
    capabilities: crud,
    naturalKeys: [['remit-to-code']],
    scopes: { read: 'core.supplier.read', write: 'core.supplier.write' },
  },
  {
    key: 'suppliers',
    title: 'Supplier',
    model: 'supplier',
    definition: 'Supplier',
    path: '/suppliers',
    capabilities: crud,
    naturalKeys: [['number'], ['name']],
    scopes: { read: 'core.supplier.read', write: 'core.supplier.write' },
    createStatus: 'draft',
  },
  {
    key: 'supplier_information',
    title: 'Supplier Information',
    model: 'supplier_information',
    definition: 'SupplierInformation',
    path: '/supplier_information',
    capabilities: crud,
    naturalKeys: [],
    scopes: { read: 'core.supplier.read', write: 'core.supplier.write' },
  },
  {
    key: 'supplier_items',
    title: 'Supplier Item',
    model: 'supplier_item',
    definition: 'SupplierItem',
    path: '/supplier_items',
    nestedPaths: [
      {
        path: '/items/{item_id}/supplier_items',
        param: 'item_id',
        parent: 'items',
        collectionVerbs: COLLECTION_RW,
        memberVerbs: ['GET', 'PUT', 'PATCH', 'DELETE'],
      },
    ],
    capabilities: crud,
    naturalKeys: [['supplier-part-num', 'supplier.name']],
    scopes: { read: 'core.catalog.read', write: 'core.catalog.write' },
  },
  {
    key: 'supplier_sites',
    title: 'Supplier Site',
    model: 'supplier_site',
    definition: 'SupplierSite',
    path: '/supplier_sites',
    nestedPaths: [
      {
        path: '/suppliers/{supplier_id}/supplier_sites',
        param: 'supplier_id',
        parent: 'suppliers',
        parentField: 'supplier-id',
        collectionVerbs: COLLECTION_RW,
        memberVerbs: MEMBER_RW,
      },
    ],
    capabilities: crud,
    naturalKeys: [['code']],
    scopes: { read: 'core.supplier.read', write: 'core.supplier.write' },
  },
  {
    key: 'users',
    title: 'User',
    model: 'user',
    definition: 'User',
    path: '/users',
    attachments: USER_ATTACHMENTS,
    specGaps: attachmentGaps(USER_ATTACHMENTS),
    capabilities: crud,
    naturalKeys: [['login'], ['email']],
    scopes: { read: 'core.user.read', write: 'core.user.write' },
  },
  {
    key: 'approvals',
    title: 'Approval',
    model: 'approval',
    definition: 'Approval',
    path: '/approvals',
    // Approvals are decided, not edited or created: approve/reject/hold (pending approvals only).
    capabilities: { trigger: true, query: true, create: false, update: false },
    naturalKeys: [],
    scopes: { read: 'core.approval.read', write: 'core.approval.write' },
    actions: [
      put('approve', 'Approve a pending approval', { queryParams: ['reason'] }),
      put('reject', 'Reject a pending approval; `reason` is shown to the requester', { queryParams: ['reason'] }),
      put('hold', 'Put a pending approval on hold', { queryParams: ['reason'] }),
    ],
  },
  {
    key: 'requisitions',
    title: 'Requisition',
    model: 'requisition_header',
    definition: 'RequisitionHeader',
    path: '/requisitions',
    attachments: attachable('requisitions', 'requisition_id'),
    // The table's floor is trigger+query; Coupa also takes draft creates and PUT updates.
    capabilities: crud,
    naturalKeys: [['external-po-reference']],
    scopes: { read: 'core.requisition.read', write: 'core.requisition.write' },
    exportFlag: true,
    createStatus: 'draft',
    actions: [
      put('update_and_submit_for_approval', 'Update a requisition and submit it for approval', { body: true }),
      put('save_for_later', 'Save a requisition for later'),
      put('add_approver', 'Add an approver', { body: true }),
      put('remove_approval', 'Remove an approval', { body: true }),
      postCollection('submit_for_approval', 'Create a requisition and submit it for approval'),
      postCollection('create_as_cart', 'Create a requisition as the current cart'),
    ],
  },
  {
    key: 'inventory_transactions',
    title: 'Inventory Transaction',
    model: 'inventory_transaction',
    definition: 'InventoryTransaction',
    path: '/inventory_transactions',
    attachments: attachable('inventory_transactions', 'inventory_transaction_id'),
    capabilities: crud,
    naturalKeys: [],
    scopes: { read: 'core.inventory.transaction.read', write: 'core.inventory.receiving.write' },
    exportFlag: true,
    actions: [put('void', 'Void an inventory transaction')],
  },
  {
    key: 'purchase_orders',
    title: 'Purchase Order',
    model: 'order_header',
    definition: 'OrderHeader',
    path: '/purchase_orders',
    attachments: attachable('purchase_orders', 'purchase_order_id'),
    capabilities: crud,
    naturalKeys: [['po-number']],
    scopes: { read: 'core.purchase_order.read', write: 'core.purchase_order.write' },
    exportFlag: true,
    actions: [
      put('issue', 'Issue a purchase order and send it to the supplier'),
      put('issue_without_send', 'Issue a purchase order without sending it'),
      put('ignore_window_and_issue', "Issue now, ignoring the supplier's order window"),
      put('cancel', 'Cancel a purchase order'),
      put('close', 'Close a purchase order'),
      put('reopen', 'Reopen a closed purchase order'),
      put('release_from_buyer_hold', 'Release a purchase order from buyer hold'),
    ],
  },
  {
    key: 'purchase_order_lines',
    title: 'Purchase Order Line',
    model: 'order_line',
    definition: 'OrderLine',
    path: '/purchase_order_lines',
    attachments: attachable('purchase_order_lines', 'purchase_order_line_id'),
    // Lines are added and edited through their order's embedded `order-lines` (Compass 0233/0240).
    capabilities: { trigger: true, query: true, create: true, update: false },
    createVia: { parent: 'purchase_orders', field: 'order-lines', parentIdField: 'order-header-id' },
    naturalKeys: [['order-header-id', 'line-num']],
    scopes: { read: 'core.purchase_order.read', write: 'core.purchase_order.write' },
    actions: [
      put('soft_close_for_receiving', 'Soft-close a line for receiving'),
      put('soft_close_for_invoicing', 'Soft-close a line for invoicing'),
      put('reopen_for_receiving', 'Reopen a line for receiving'),
      put('reopen_for_invoicing', 'Reopen a line for invoicing'),
    ],
  },
  {
    key: 'expense_lines',
    title: 'Expense Line',
    model: 'expense_line',
    definition: 'ExpenseLine',
    path: '/expense_lines',
    nestedPaths: [
      {
        path: '/expense_reports/{expense_report_id}/expense_lines',
        param: 'expense_report_id',
        parent: 'expense_reports',
        parentField: 'expense-report-id',
        collectionVerbs: COLLECTION_RW,
        memberVerbs: ['GET', 'PUT', 'PATCH', 'DELETE'],
      },
    ],
    capabilities: { trigger: false, query: true, create: true, update: true },
    naturalKeys: [],
    scopes: { read: 'core.expense.read', write: 'core.expense.write' },
    actions: [
      put('calculate_taxes', 'Calculate taxes on an expense line'),
      { name: 'estimate_taxes', method: 'POST', on: 'member', description: 'Estimate taxes on an expense line' },
    ],
  },
  {
    key: 'integrations',
    title: 'Integration',
    model: 'integration',
    definition: 'Integration',
    path: '/integrations',
    capabilities: { trigger: false, query: true, create: true, update: true },
    naturalKeys: [['code'], ['name']],
    scopes: { read: 'core.integration.read', write: 'core.integration.write' },
  },
  {
    key: 'integration_errors',
    title: 'Integration Error',
    model: 'integration_error',
    definition: 'IntegrationError',
    path: '/integration_errors',
    capabilities: { trigger: false, query: true, create: true, update: true },
    naturalKeys: [],
    scopes: { read: 'core.integration.read', write: 'core.integration.write' },
    actions: [
      put('resolve', 'Mark an integration error resolved'),
      put('unresolve', 'Mark an integration error unresolved'),
      postCollection('create_alert', 'Create an integration error and alert the integration contacts'),
    ],
  },
  {
    key: 'integration_runs',
    title: 'Integration Run',
    model: 'integration_run',
    definition: 'IntegrationRun',
    path: '/integration_runs',
    capabilities: { trigger: false, query: true, create: true, update: true },
    naturalKeys: [],
    scopes: { read: 'core.integration.read', write: 'core.integration.write' },
    createStatus: 'pending',
    actions: [
      put('run', 'Start a pending run; body may carry `total_records`', { body: true }),
      put('success', 'Finish a run successfully'),
      put('fail', 'Finish a run as failed'),
      put('pause', 'Pause a run'),
      put('pending', 'Set a run back to pending'),
      put('finish', 'Finish a run'),
    ],
  },
  {
    key: 'integration_history_records',
    title: 'Integration History Record',
    model: 'integration_history_record',
    definition: 'IntegrationHistoryRecord',
    path: '/integration_history_records',
    capabilities: { trigger: false, query: true, create: true, update: true },
    naturalKeys: [],
    scopes: { read: 'core.integration.read', write: 'core.integration.write' },
    actions: [
      put('resolve', 'Mark a history record resolved'),
      put('unresolve', 'Mark a history record unresolved'),
      postCollection('create_alert', 'Create a history record and alert the integration contacts'),
      postCollection('mark_exported', 'Create a history record and mark the document exported'),
      postCollection('create_alert_and_mark_exported', 'Create a history record, alert, and mark exported'),
      postCollection('acknowledge', 'Acknowledge history records'),
    ],
  },
];

export const catalog: readonly CatalogObject[] = Object.freeze(
  entries.map(
    (e): CatalogObject =>
      Object.freeze({
        ...e,
        changeField: 'updated-at' as const,
        nestedPaths: e.nestedPaths ?? ([] as NestedPath[]),
        specGaps: e.specGaps ?? [],
        actions: e.actions ?? [],
        exportFlag: e.exportFlag ?? false,
      }),
  ),
);
