// Which actions change Coupa: those the Lambda layer makes idempotent by `idempotencyKey`.
import { findObject } from '../catalog';
import { normaliseActionName } from './action-names';

const READS: ReadonlySet<string> = new Set(['get', 'query']);

/**
 * True for actions that change Coupa: create, update, mark_exported, special actions, and `request`
 * with any method but GET. Never throws: for input it cannot read it answers true (the safe side for
 * idempotency); validation is {@link parseActionInput}'s job.
 *
 * @example
 * isWriteAction('get')                                            // false
 * isWriteAction('submit')                                         // true
 * isWriteAction('request', { method: 'GET', path: 'invoices/1' }) // false
 */
export function isWriteAction(action: string, input?: unknown): boolean {
  const name = normaliseActionName(action);
  if (name === undefined) return true;
  if (READS.has(name)) return false;
  const fields = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  if (name === 'request') return !(typeof fields.method === 'string' && fields.method.trim().toUpperCase() === 'GET');
  // A special action the catalog declares as GET reads (none does today; the check keeps it honest).
  const object = typeof fields.object === 'string' ? findObject(fields.object) : undefined;
  const special = object?.actions.find((a) => a.name === name);
  return special?.method !== 'GET';
}
