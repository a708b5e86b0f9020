/** design.md's capability table, the floor the catalog must meet. */
export const designTable: Record<string, { trigger: boolean; query: boolean; create: boolean; update: boolean }> = {};

const rows: [string, [boolean, boolean, boolean, boolean]][] = [
  [
    'accounts addresses contracts departments exchange_rates expense_reports invoices items lookup_values remit_to_addresses suppliers supplier_information supplier_items supplier_sites users',
    [true, true, true, true],
  ],
  ['approvals requisitions', [true, true, false, false]],
  ['inventory_transactions purchase_orders purchase_order_lines', [true, true, true, false]],
  ['expense_lines integrations integration_errors integration_runs integration_history_records', [false, true, true, false]],
];
for (const [keys, [trigger, query, create, update]] of rows) {
  for (const key of keys.split(' ')) designTable[key] = { trigger, query, create, update };
}
