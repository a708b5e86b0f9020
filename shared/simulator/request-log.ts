/** What the simulator received: tests assert "no request reached Coupa" or "exactly two POSTs". */
export interface RequestLogEntry {
  /** 1, 2, 3… in arrival order. */
  readonly seq: number;
  readonly method: string;
  /** Path without the query string: `/api/invoices`. */
  readonly path: string;
  /** The raw query string without `?`, exactly as sent (a raw `+` stays a `+`). */
  readonly rawQuery: string;
  /** Decoded query parameters (repeated names give arrays). */
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  /** Request headers; the Authorization value is replaced by `Bearer <redacted>` / `Basic <redacted>`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON or form body of writes, secrets redacted; absent when empty. */
  readonly body?: unknown;
  /** Status returned; 0 when the connection was reset. */
  status: number;
  /** The catalog object the request addressed, if any. */
  objectKey?: string;
  /** Fault applied, if any. */
  fault?: 'status' | 'reset' | 'delay' | 'status-after-apply' | 'reset-after-apply';
  /** Simulator clock at arrival (epoch ms). */
  readonly timeMs: number;
}

const SECRET_FIELDS = new Set(['client_secret', 'refresh_token', 'code', 'password']);

export class RequestLog {
  readonly entries: RequestLogEntry[] = [];
  private seq = 0;

  add(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const full: RequestLogEntry = { seq: ++this.seq, ...entry };
    this.entries.push(full);
    return full;
  }

  reset(): void {
    this.entries.length = 0;
  }
}

export function redactHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = name === 'authorization' ? text.replace(/^(\w+)\s+.*$/, '$1 <redacted>') : text;
  }
  return out;
}

export function redactBody(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[k] = SECRET_FIELDS.has(k) ? '<redacted>' : v;
  return out;
}

export function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of params) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}
