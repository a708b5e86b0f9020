// Checks 3 and 4: the scopes. First what the token says it was granted against what the objects need
// (requiredScopes), then one small read per object: `GET /api/<path>?limit=1&return_object=limited`.
import { fillPath, getObject, requiredScopes, type CatalogObject } from '../catalog';
import type { CoupaHost } from '../coupa';
import { exchange, redirectTarget, type Answer, type ExchangeOptions } from './exchange';
import { describeNetworkProblem } from './network-problem';
import type { CheckResult } from './types';

const CLIENT_SETUP = 'Setup > Integrations > OAuth2/OpenID Connect Clients';

/** The `granted` line: names every needed scope the token lacks, and which objects need it. */
export function checkGranted(
  objectKeys: readonly string[],
  granted: readonly string[] | undefined,
  requested: readonly string[],
  scopesSetting: string,
): CheckResult {
  const needed = requiredScopes({ read: objectKeys });
  if (granted === undefined) {
    return {
      check: 'granted',
      status: 'ok',
      message: `Coupa did not list the granted scopes; the reads below show whether ${needed.join(' ')} work`,
    };
  }
  const missing = needed.filter((s) => !granted.includes(s));
  if (missing.length === 0) return { check: 'granted', status: 'ok', message: `token scopes cover ${needed.join(' ')}` };
  const users = (scope: string) => objectKeys.filter((k) => getObject(k).scopes.read === scope);
  const list = missing.map((s) => (users(s).length > 0 ? `${s} (${users(s).join(', ')})` : s)).join(', ');
  const unrequested = missing.filter((s) => !requested.includes(s));
  const fixes = [`tick ${missing.length > 1 ? 'them' : 'it'} on the OAuth client in ${CLIENT_SETUP}`];
  if (unrequested.length > 0) fixes.push(`add ${unrequested.join(' ')} to ${scopesSetting}`);
  return { check: 'granted', status: 'fail', message: `token lacks ${list}: ${fixes.join(', and ')}` };
}

export interface ReadCheck {
  readonly result: CheckResult;
  readonly answer?: Answer;
}

/** One read of `object` with the token; its parent's first record for objects served under a parent. */
export async function checkRead(
  host: CoupaHost,
  object: CatalogObject,
  accessToken: string,
  requested: readonly string[],
  scopesSetting: string,
  options: ExchangeOptions,
): Promise<ReadCheck> {
  const get = (path: string) =>
    exchange(
      `${host.apiUrl}${path.replace(/^\//, '')}?limit=1&return_object=limited`,
      { method: 'GET', headers: { Authorization: `Bearer ${accessToken}` } },
      options,
    );
  let path = object.path;
  if (object.parentParam) {
    const parent = getObject(object.parentParam.parent);
    const found = await get(parent.path);
    const problem = readProblem(found, host, parent, requested, scopesSetting, options);
    if (problem)
      return {
        result: { check: 'scope', status: 'fail', object: object.key, message: `${object.key} (under ${parent.key}): ${problem}` },
        ...answerOf(found),
      };
    const first = firstId((found as Answer).body);
    if (first === undefined) {
      return {
        result: {
          check: 'scope',
          status: 'skip',
          object: object.key,
          message: `${object.key}: not read, there is no ${parent.title.toLowerCase()} to read it under`,
        },
        ...answerOf(found),
      };
    }
    path = fillPath(object.path, { [object.parentParam.param]: first });
  }
  const outcome = await get(path);
  const problem = readProblem(outcome, host, object, requested, scopesSetting, options);
  if (problem)
    return { result: { check: 'scope', status: 'fail', object: object.key, message: `${object.key}: ${problem}` }, ...answerOf(outcome) };
  return {
    result: { check: 'scope', status: 'ok', object: object.key, message: `${object.key}: read works (${object.scopes.read})` },
    ...answerOf(outcome),
  };
}

function readProblem(
  outcome: Awaited<ReturnType<typeof exchange>>,
  host: CoupaHost,
  object: CatalogObject,
  requested: readonly string[],
  scopesSetting: string,
  options: ExchangeOptions,
): string | undefined {
  if (outcome.kind === 'network') return describeNetworkProblem(outcome, host, options.timeoutMs);
  const scope = object.scopes.read;
  const alsoRequest = requested.includes(scope) ? '' : ` and to ${scopesSetting}`;
  const where = `/api${object.path}`;
  switch (true) {
    case outcome.status === 403:
      return `add scope ${scope} to the OAuth client${alsoRequest} (HTTP 403 on GET ${where})`;
    case outcome.status === 401:
      return (
        `Coupa refused the new token (HTTP 401 on GET ${where}): add scope ${scope} to the OAuth client${alsoRequest}; ` +
        'if it is there, run doctor again (a new token can take ~5 s to work)'
      );
    case outcome.status === 404:
      return `this instance does not serve GET ${where} (HTTP 404): is the module enabled?`;
    case outcome.status === 429:
      return 'Coupa rate-limited the read (HTTP 429): other integrations share the limit; try again in a minute';
    case outcome.status >= 300 && outcome.status < 400:
      return `GET ${where} redirects to ${redirectTarget(outcome, host.apiUrl)} (HTTP ${outcome.status}): not the Coupa API`;
    case outcome.status >= 500:
      return `Coupa failed to answer GET ${where} (HTTP ${outcome.status}): usually temporary; try again later`;
    case outcome.status !== 200:
      return `GET ${where} answered HTTP ${outcome.status}`;
    case !isJsonArray(outcome.body):
      return `GET ${where} did not answer with a JSON list: not the Coupa API; check the host`;
    default:
      return undefined;
  }
}

function isJsonArray(body: string): boolean {
  try {
    return Array.isArray(JSON.parse(body));
  } catch {
    return false;
  }
}

function firstId(body: string): number | undefined {
  const rows = JSON.parse(body) as unknown[];
  const id = (rows[0] as { id?: unknown } | undefined)?.id;
  return typeof id === 'number' ? id : undefined;
}

const answerOf = (outcome: Awaited<ReturnType<typeof exchange>>): { answer?: Answer } =>
  outcome.kind === 'answer' ? { answer: outcome } : {};
