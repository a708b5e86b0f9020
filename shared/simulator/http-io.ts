import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small helpers for the node:http layer. */

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A file answer: the bytes as stored, under their content type. */
export function sendBytes(
  res: ServerResponse,
  status: number,
  contentType: string,
  bytes: Buffer,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': bytes.length, ...headers });
  res.end(bytes);
}

/** A body already serialized (the API's rendered records, UTF-8): sent as it is, in parts. */
export class JsonBytes {
  readonly length: number;

  constructor(readonly parts: readonly Buffer[]) {
    let length = 0;
    for (const part of parts) length += part.length;
    this.length = length;
  }

  /** A JSON array of serialized values, without copying them into one buffer. */
  static array(items: readonly Buffer[]): JsonBytes {
    const parts: Buffer[] = [OPEN_BRACKET];
    for (let i = 0; i < items.length; i++) {
      if (i > 0) parts.push(COMMA);
      parts.push(items[i]!);
    }
    parts.push(CLOSE_BRACKET);
    return new JsonBytes(parts);
  }
}
const OPEN_BRACKET = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE_BRACKET = Buffer.from(']');

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (res.destroyed) return;
  const json = body === undefined ? undefined : body instanceof JsonBytes ? body : new JsonBytes([Buffer.from(JSON.stringify(body))]);
  res.writeHead(status, {
    ...(json === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
    'Content-Length': json?.length ?? 0,
    ...headers,
  });
  if (!json) return void res.end();
  // Corked, the parts leave in one writev.
  res.cork();
  for (const part of json.parts) res.write(part);
  res.end();
  res.uncork();
}

/** A non-JSON body, e.g. the HTML page a gateway answers a 502 with. */
export function sendText(res: ServerResponse, status: number, text: string, headers: Readonly<Record<string, string>> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** `Authorization: Basic base64(id:secret)` → the pair. */
export function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: safeDecode(decoded.slice(0, colon)), secret: safeDecode(decoded.slice(colon + 1)) };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

export const sleep = (ms: number): Promise<void> => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());
