/** The objects `start` polls and `doctor` checks when `--objects` is not given. */
export const DEFAULT_OBJECTS = 'invoices,purchase_orders,suppliers';
