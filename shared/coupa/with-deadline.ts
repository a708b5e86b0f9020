// A view of a client whose every call carries the same deadline: what a Lambda invocation hands to the
// code it runs, so that no call (and no retry) outlives the invocation. The client itself is shared
// between invocations; the view is made per invocation.
import type { CoupaClient, CoupaRequestOptions } from './client';

/** The calls a deadline-bound view offers (those of {@link CoupaClient}). */
export type CoupaCalls = Pick<CoupaClient, 'request' | 'requestContent' | 'list' | 'get' | 'create' | 'update' | 'action' | 'delete'>;

/**
 * `client`, with `deadlineMs` (epoch ms) added to every call that does not set its own (an earlier one
 * set by the call wins).
 *
 * @example
 * const coupa = withDeadline(client, Date.now() + context.getRemainingTimeInMillis() - 5_000);
 * await coupa.get('suppliers', 12); // fails with Coupa.Transient before the deadline rather than after
 */
export function withDeadline<C extends Partial<CoupaCalls>>(client: C, deadlineMs: number): C {
  const bound = <O extends CoupaRequestOptions>(options: O | undefined): O =>
    ({ ...options, deadlineMs: Math.min(deadlineMs, options?.deadlineMs ?? Number.POSITIVE_INFINITY) }) as O;
  const view: Partial<CoupaCalls> = {
    ...(client.request && { request: (method, path, options) => client.request!(method, path, bound(options)) }),
    ...(client.requestContent && { requestContent: (method, path, options) => client.requestContent!(method, path, bound(options)) }),
    ...(client.list && { list: (path, query, options) => client.list!(path, query, bound(options)) }),
    ...(client.get && { get: (path, id, options) => client.get!(path, id, bound(options)) }),
    ...(client.create && { create: (path, data, options) => client.create!(path, data, bound(options)) }),
    ...(client.update && { update: (path, id, data, options) => client.update!(path, id, data, bound(options)) }),
    ...(client.action && { action: (path, id, action, options) => client.action!(path, id, action, bound(options)) }),
    ...(client.delete && { delete: (path, id, options) => client.delete!(path, id, bound(options)) }),
  };
  return view as C;
}
