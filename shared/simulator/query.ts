import { badRequest } from './errors';
import { parseFields, type FieldSelection } from './fields';
import { dashed } from './names';
import type { ReturnMode } from './render';
import { OPERATORS, type Operator } from '../coupa/query';

/**
 * A list request's query string: `attr[op]=value` conditions (ANDed), paging (`limit` ≤ 50, `offset`),
 * ordering (`order_by`, `dir`) and output (`return_object`, `fields`). Names may be dashed or
 * underscored; association traversal nests brackets: `supplier[name][contains]=Acme`.
 */

// Coupa's operator set, as the client sends it (0007 API Operators).
const OPERATOR_SET = new Set<string>(OPERATORS);

export interface Condition {
  /** Dashed attribute path: `['supplier', 'name']`. */
  readonly path: readonly string[];
  readonly op: Operator;
  readonly value: string;
  /** The parameter as sent, for error messages. */
  readonly param: string;
}

export interface ListQuery {
  readonly conditions: readonly Condition[];
  readonly limit: number;
  readonly offset: number;
  /** Dashed attribute, default `id`. */
  readonly orderBy: string;
  readonly dir: 'asc' | 'desc';
  readonly mode: ReturnMode;
  readonly fields?: FieldSelection;
}

export const MAX_LIMIT = 50;
/** Parameters that are not filters. `filter` names a saved API filter; none exist here, so it is ignored. */
const RESERVED = new Set([
  'limit',
  'offset',
  'order_by',
  'order-by',
  'dir',
  'return_object',
  'return-object',
  'fields',
  'filter',
  'show_deleted_lines',
  'show-deleted-lines',
]);
const KEY_PATTERN = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

export function parseListQuery(params: URLSearchParams, model: string): ListQuery {
  const conditions: Condition[] = [];
  for (const [param, value] of params) {
    if (RESERVED.has(param)) continue;
    conditions.push(parseCondition(param, value, model));
  }
  return {
    conditions,
    limit: clampInt(params.get('limit'), MAX_LIMIT, 1, MAX_LIMIT),
    offset: clampInt(params.get('offset'), 0, 0, Number.MAX_SAFE_INTEGER),
    orderBy: dashed(params.get('order_by') ?? params.get('order-by') ?? 'id'),
    dir: parseDir(params.get('dir'), model),
    ...outputOptions(params, model),
  };
}

/** `return_object` and `fields`, shared by reads and writes. */
export function outputOptions(params: URLSearchParams, model: string): { mode: ReturnMode; fields?: FieldSelection; none?: boolean } {
  const returnObject = (params.get('return_object') ?? params.get('return-object') ?? '').toLowerCase();
  const fieldsText = params.get('fields');
  return {
    mode: returnObject === 'limited' || returnObject === 'shallow' ? returnObject : 'default',
    ...(returnObject === 'none' ? { none: true } : {}),
    ...(fieldsText ? { fields: parseFields(fieldsText, model) } : {}),
  };
}

export function parseCondition(param: string, value: string, model: string): Condition {
  const match = KEY_PATTERN.exec(param);
  if (!match) throw badRequest(model, `Invalid query parameter: ${param}`);
  const segments = [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
  let op: Operator = 'eq';
  const last = segments[segments.length - 1]!;
  if (segments.length > 1 && OPERATOR_SET.has(last)) {
    op = last as Operator;
    segments.pop();
  }
  if (segments.some((s) => s === '')) throw badRequest(model, `Invalid query parameter: ${param}`);
  return { path: segments.map(dashed), op, value, param };
}

function clampInt(text: string | null, fallback: number, min: number, max: number): number {
  if (text === null || text.trim() === '') return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min) return fallback;
  return Math.min(max, Math.floor(n));
}

function parseDir(text: string | null, model: string): 'asc' | 'desc' {
  if (text === null || text === '') return 'asc';
  const dir = text.toLowerCase();
  if (dir !== 'asc' && dir !== 'desc') throw badRequest(model, `dir must be asc or desc, got ${text}`);
  return dir;
}
