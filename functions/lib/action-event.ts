// The action function's event: what a Step Functions task (or any direct invoke) sends.
import { CoupaValidationError } from '../../shared/coupa';
import type { ActionRequest } from './action-runner';

/**
 * Either flat, `{ "action": "update", "object": "suppliers", "id": 12, "data": {…}, "idempotencyKey": "…" }`,
 * or nested, `{ "action": "update", "input": { "object": "suppliers", … } }` (for state machines that
 * keep the input apart). The input fields are the action core's: object, id, data, query, returnType,
 * fields, idempotencyKey, parent, naturalKey, params.
 */
export type ActionEvent =
  | ({ readonly action: string } & Readonly<Record<string, unknown>>)
  | { readonly action: string; readonly input: Readonly<Record<string, unknown>> };

/** Splits an event into action and input; a malformed event fails with `Coupa.Validation`. */
export function actionRequestOf(event: unknown): ActionRequest {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new CoupaValidationError(
      'The event must be a JSON object: {"action": "get", "object": "suppliers", "id": 12} or {"action": …, "input": {…}}',
    );
  }
  const { action, ...rest } = event as Record<string, unknown>;
  if (typeof action !== 'string' || action.trim() === '') {
    throw new CoupaValidationError(
      'The event needs "action": create, update, get, query, request, mark_exported or a special action such as submit or approve',
    );
  }
  const nested = rest.input;
  if (rest.object === undefined && typeof nested === 'object' && nested !== null && !Array.isArray(nested)) {
    const extra = Object.keys(rest).filter((k) => k !== 'input');
    if (extra.length > 0) {
      throw new CoupaValidationError(
        `With "input", the event holds only "action" and "input"; move ${extra.map((k) => `"${k}"`).join(', ')} into "input"`,
      );
    }
    return { action, input: nested as Record<string, unknown> };
  }
  return { action, input: rest };
}
