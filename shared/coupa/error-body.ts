// Reads Coupa's own messages out of an error body. Coupa documents `{"errors":{"<model>":["msg",…]}}`
// and XML `<errors><error>msg</error></errors>`; the token endpoint answers RFC 6749
// `{"error":"invalid_client","error_description":"…"}`; some endpoints (and proxies) use
// `{"errors":["msg"]}` or `{"message":"…"}`. We accept all of them and ignore anything else.

/** What an error body said, as far as we could tell. */
export interface ParsedErrorBody {
  /** Human-readable messages, in body order, de-duplicated, each at most {@link MAX_MESSAGE_LENGTH} chars. */
  readonly messages: string[];
  /** The OAuth `error` code, when the body had one (token endpoint). */
  readonly oauthError?: string;
}

/** Messages beyond this count are summarised, so one bad import cannot produce a megabyte message. */
export const MAX_MESSAGES = 20;
export const MAX_MESSAGE_LENGTH = 500;

/**
 * Extracts Coupa's messages from an error response body (JSON or XML text, or already-parsed JSON).
 *
 * @example
 * parseErrorBody('{"errors":{"user":["Login has already been taken"]}}').messages
 * // → ['Login has already been taken']
 */
export function parseErrorBody(body: unknown): ParsedErrorBody {
  let value: unknown = body;
  if (typeof body === 'string') {
    const text = body.trim();
    if (text === '') return { messages: [] };
    if (text.startsWith('<')) return { messages: finish(xmlMessages(text)) };
    try {
      value = JSON.parse(text);
    } catch {
      // A short plain-text body is still worth showing; an HTML error page is not.
      return { messages: finish(text.length <= 200 && !/[<>]/.test(text) ? [text] : []) };
    }
  }
  if (typeof value !== 'object' || value === null) {
    return { messages: finish(typeof value === 'string' ? [value] : []) };
  }
  const record = value as Record<string, unknown>;
  const messages: string[] = [];
  let oauthError: string | undefined;
  if ('errors' in record) collectStrings(record.errors, messages);
  if (typeof record.error === 'string') {
    oauthError = record.error;
    // An OAuth code alone ("invalid_client") is still better than nothing.
    messages.push(typeof record.error_description === 'string' ? record.error_description : record.error);
  } else if (record.error !== undefined) {
    collectStrings(record.error, messages);
  }
  if (messages.length === 0 && typeof record.message === 'string') messages.push(record.message);
  return oauthError === undefined ? { messages: finish(messages) } : { messages: finish(messages), oauthError };
}

// Walks arrays and objects (Coupa keys messages by model name) and keeps every string, in order.
function collectStrings(value: unknown, out: string[], depth = 0): void {
  if (depth > 5 || out.length > MAX_MESSAGES * 2) return;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out, depth + 1);
  else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    // `{"message": "..."}` items are common in other APIs' error arrays; prefer that one field.
    if (typeof record.message === 'string') out.push(record.message);
    else for (const item of Object.values(record)) collectStrings(item, out, depth + 1);
  }
}

function xmlMessages(xml: string): string[] {
  const out: string[] = [];
  for (const match of xml.matchAll(/<error(?:\s[^>]*)?>([\s\S]*?)<\/error>/g)) {
    out.push(decodeXmlEntities(match[1]!.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')));
  }
  return out;
}

function decodeXmlEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d{1,7});/g, (entity, code: string) => (Number(code) <= 0x10ffff ? String.fromCodePoint(Number(code)) : entity))
    .replace(/&amp;/g, '&');
}

function finish(messages: string[]): string[] {
  const unique = [...new Set(messages.map((m) => m.replace(/\s+/g, ' ').trim()).filter((m) => m !== ''))];
  const clipped = unique.map((m) => (m.length > MAX_MESSAGE_LENGTH ? `${m.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : m));
  if (clipped.length <= MAX_MESSAGES) return clipped;
  return [...clipped.slice(0, MAX_MESSAGES), `…and ${clipped.length - MAX_MESSAGES} more`];
}
