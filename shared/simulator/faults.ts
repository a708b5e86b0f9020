/**
 * Faults injected by tests, consumed in order by the next matching requests: an HTTP status (with an
 * optional Retry-After), a connection reset without response, or a delay before normal handling.
 */
interface FaultFilter {
  /** Only requests with this method (any when absent). */
  readonly method?: string;
  /** Only requests whose path starts with this (default `/api`; use `/oauth2` for the token endpoint). */
  readonly path?: string;
  /** How many requests the fault applies to (default 1). */
  readonly count?: number;
  /**
   * `status` and `reset` only: handle the request first (a write is applied), then lose the answer — the
   * "timeout/reset/5xx after Coupa applied it" case a client must never resend blindly.
   */
  readonly afterApply?: boolean;
}

export type Fault =
  | (FaultFilter & { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number; readonly body?: string })
  | (FaultFilter & { readonly kind: 'reset' })
  | (FaultFilter & { readonly kind: 'delay'; readonly ms: number });

const FAULT_KINDS = new Set(['status', 'reset', 'delay']);

export class FaultQueue {
  private queue: { fault: Fault; remaining: number }[] = [];

  inject(faults: readonly Fault[]): void {
    for (const fault of faults) {
      if (!FAULT_KINDS.has(fault.kind)) throw new Error(`Unknown fault kind ${String((fault as { kind: unknown }).kind)}`);
      this.queue.push({ fault, remaining: Math.max(1, fault.count ?? 1) });
    }
  }

  clear(): void {
    this.queue = [];
  }

  pending(): Fault[] {
    return this.queue.map((q) => ({ ...q.fault, count: q.remaining }));
  }

  /** The first queued fault matching the request, consumed once. */
  take(method: string, path: string): Fault | undefined {
    const at = this.queue.findIndex(
      ({ fault }) => (!fault.method || fault.method.toUpperCase() === method) && path.startsWith(fault.path ?? '/api'),
    );
    if (at < 0) return undefined;
    const entry = this.queue[at]!;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.queue.splice(at, 1);
    return entry.fault;
  }
}
