// Size limits of action inputs, checked before anything else looks at the input: Step Functions and
// Lambda payloads stop at 256 KB anyway, and no Coupa text field comes near 64 KB.

/** Most characters one string (or object key) may have. */
export const MAX_STRING_CHARS = 64 * 1024;
/** Most bytes the whole input may take as JSON (UTF-8). */
export const MAX_INPUT_BYTES = 256 * 1024;
/** Deepest nesting of objects and arrays; deeper input is a mistake, and would strain recursive checks. */
export const MAX_DEPTH = 32;
/** Default and largest `query.limit` (records across pages). */
export const DEFAULT_QUERY_LIMIT = 50;
export const MAX_QUERY_LIMIT = 10_000;
/**
 * Most bytes of records (Coupa's JSON) one `query` holds: it stops paging before a page would pass
 * it and answers `truncated: true` with `nextOffset`. A count alone does not bound memory (a default
 * invoice is ~16 KB, one with many lines far more); 8 MiB of JSON keeps a query with its claim check
 * well inside a 512 MB Lambda (see `npm run bench:query`).
 */
export const MAX_QUERY_RESULT_BYTES = 8 * 1024 * 1024;
/**
 * Largest file `attach` uploads and `request` keeps from a file answer: 32 MiB. Both hold the whole file
 * in memory (twice, briefly, while it is encoded or stored), which a 512 MB Lambda affords; Coupa may
 * refuse smaller files by its own instance settings.
 */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;
/** Longest `idempotencyKey`. */
export const MAX_IDEMPOTENCY_KEY_CHARS = 255;

/** Idempotency records live this long unless configured otherwise (24 h); bounds: a minute to 30 days. */
export const DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS = 86_400;
export const MIN_IDEMPOTENCY_EXPIRY_SECONDS = 60;
export const MAX_IDEMPOTENCY_EXPIRY_SECONDS = 30 * 86_400;
/**
 * Results larger than this (as JSON, UTF-8) are claim-checked to the payload bucket: Step Functions
 * refuses state outputs over 256 KB, an EventBridge entry may not exceed 256 KB, and the stored
 * idempotency record must stay under DynamoDB's 400 KB item limit.
 */
export const DEFAULT_RESULT_INLINE_LIMIT_BYTES = 200 * 1024;
export const MIN_RESULT_INLINE_LIMIT_BYTES = 1024;
export const MAX_RESULT_INLINE_LIMIT_BYTES = 240 * 1024;

// Key layouts, shared by the runner (which writes them) and the construct (which grants on them).
/** Key prefix (under the payload prefix) of every claim-checked action result of an instance. */
export const actionResultKeyPrefix = (instance: string): string => `actions/${instance}/`;
/** Key prefix of the idempotency records: shared by the action and command functions of an instance. */
export const idempotencyKeyPrefix = (instance: string): string => `coupa-action:${instance}`;

/**
 * Problems with the input's size and shape as JSON: not serialisable, over {@link MAX_INPUT_BYTES},
 * nested deeper than {@link MAX_DEPTH}, strings or keys over {@link MAX_STRING_CHARS}, `__proto__`
 * keys. Empty when fine.
 *
 * @internal
 */
export function sizeProblems(input: unknown): string[] {
  let json: string | undefined;
  try {
    json = JSON.stringify(input);
  } catch (error) {
    return [`the input is not JSON (${(error as Error).message.slice(0, 80)})`];
  }
  if (json === undefined) return ['the input is not JSON'];
  const bytes = new TextEncoder().encode(json).length;
  if (bytes > MAX_INPUT_BYTES) {
    return [
      `the input is ${bytes} bytes as JSON; the limit is ${MAX_INPUT_BYTES} (one record per request; move large content out of band)`,
    ];
  }
  const problems: string[] = [];
  walk(input, '', 0, problems);
  return problems;
}

function walk(value: unknown, path: string, depth: number, problems: string[]): void {
  if (problems.length >= 5) return; // enough to act on
  if (typeof value === 'string') {
    if (value.length > MAX_STRING_CHARS)
      problems.push(`${path || 'the input'} is a string of ${value.length} characters; the limit is ${MAX_STRING_CHARS}`);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_DEPTH) {
    problems.push(`${path || 'the input'} is nested more than ${MAX_DEPTH} levels deep`);
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walk(item, `${path}[${i}]`, depth + 1, problems);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key === '__proto__') {
      // No Coupa attribute has this name; merged into an object it would replace the prototype.
      problems.push(`${path || 'the input'} has a "__proto__" key, which is not allowed`);
      continue;
    }
    if (key.length > MAX_STRING_CHARS) {
      problems.push(`${path || 'the input'} has a key of ${key.length} characters; the limit is ${MAX_STRING_CHARS}`);
      continue;
    }
    walk(item, path ? `${path}.${key}` : key, depth + 1, problems);
  }
}
