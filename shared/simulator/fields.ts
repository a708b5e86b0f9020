import { badRequest } from './errors';
import { dashed } from './names';

/**
 * The `fields` response filter: `["id","invoice_number",{"invoice_lines":["id","line_num"]},{"custom_fields":{}}]`.
 * `true` selects a value whole (its default form); a nested selection picks inside an association or
 * inside each element of an embedded array.
 */
export type FieldSelection = ReadonlyMap<string, FieldSelection | true>;

export function parseFields(text: string, model: string): FieldSelection {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest(model, `fields is not a valid JSON array: ${text}`);
  }
  if (!Array.isArray(parsed)) throw badRequest(model, 'fields must be a JSON array');
  return selectionOf(parsed, model);
}

function selectionOf(items: readonly unknown[], model: string): FieldSelection {
  const selection = new Map<string, FieldSelection | true>();
  for (const item of items) {
    if (typeof item === 'string') selection.set(dashed(item), true);
    else if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      for (const [name, inner] of Object.entries(item)) selection.set(dashed(name), innerSelection(inner, model));
    } else throw badRequest(model, `fields entries must be names or objects, got ${JSON.stringify(item)}`);
  }
  return selection;
}

function innerSelection(inner: unknown, model: string): FieldSelection | true {
  if (Array.isArray(inner)) return inner.length === 0 ? true : selectionOf(inner, model);
  if (inner !== null && typeof inner === 'object') return Object.keys(inner).length === 0 ? true : selectionOf([inner], model);
  return true;
}
