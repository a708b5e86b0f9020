// The one core call of the action Lambdas, the command consumer, the CLI and the tests.
import { runAttach } from './attach';
import { runRequest } from './custom-request';
import { parseActionInput } from './parse-action-input';
import { runGet, runQuery } from './read-actions';
import type { ActionDeps, ActionResult, ParsedAction } from './types';
import { runCreate, runMarkExported, runSpecialAction, runUpdate } from './write-actions';

/**
 * Validates `input` for `action`, then calls Coupa.
 *
 * @param action - `get`, `query`, `create`, `update`, `mark_exported`, `request`, `attach`, or a special
 *   action of the object (`submit`, `approve`…).
 * @param input - the caller's input, straight from JSON: `{ object, id?, data?, query?, returnType?,
 *   fields?, idempotencyKey?, parent?, naturalKey?, params? }`, for `request` `{ method, path,
 *   query?, body? }`, for `attach` `{ object, id, file, filename?, contentType?, intent? }`.
 * @throws {CoupaError} subclasses (names `Coupa.*`). Invalid input throws `Coupa.Validation` before any
 *   request leaves; a get by natural key that matches nothing throws `Coupa.NotFound`, one that
 *   matches several `Coupa.Conflict`.
 * @example
 * const { record } = await runAction({ client }, 'get', { object: 'suppliers', id: 12 });
 * await runAction({ client }, 'reject', { object: 'approvals', id: 7, params: { reason: 'over budget' } });
 */
export async function runAction(deps: ActionDeps, action: string, input: unknown): Promise<ActionResult> {
  return executeAction(deps, parseActionInput(action, input));
}

/** Runs an action that {@link parseActionInput} has already validated. */
export async function executeAction(deps: ActionDeps, parsed: ParsedAction): Promise<ActionResult> {
  switch (parsed.kind) {
    case 'get':
      return runGet(deps, parsed);
    case 'query':
      return runQuery(deps, parsed);
    case 'create':
      return runCreate(deps, parsed);
    case 'update':
      return runUpdate(deps, parsed);
    case 'mark_exported':
      return runMarkExported(deps, parsed);
    case 'special':
      return runSpecialAction(deps, parsed);
    case 'request':
      return runRequest(deps, parsed);
    case 'attach':
      return runAttach(deps, parsed);
  }
}
