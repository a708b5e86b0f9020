/**
 * How Coupa nests an association (`"supplier": {"id": 4, "number": "SUP-4", "name": "…"}`): small
 * definitions (a currency, a user) whole, bigger ones by id, natural keys and the attributes that name a
 * record. The simulator renders associations by it; the event schemas type nested objects by it.
 */

/** Attributes that name a record in an association, besides its natural keys. */
export const LABEL_FIELDS: readonly string[] = [
  'name',
  'code',
  'number',
  'display-name',
  'login',
  'email',
  'firstname',
  'lastname',
  'fullname',
  'employee-number',
  'po-number',
  'invoice-number',
  'item-number',
  'remit-to-code',
  'location-code',
  'title',
  'external-ref-num',
  'supplier-part-num',
];

/** Definitions this small (UserSimple, Currency) are shown whole in associations. */
export const SMALL_DEFINITION = 14;
