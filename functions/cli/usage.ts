import { type CatalogObject, findObject, UnknownObjectError } from '../../shared/catalog';

/** A mistake in how the CLI was called: printed with the usage line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: coupa-connector <command> [options]
  (from a checkout: npm run --silent cli -- <command> [options])

Commands:
  objects [--json]                 the object catalog: key, path, title, capabilities, scopes
  simulator [--port N] [--records N] [--latency-ms N] [--client-id ID] [--client-secret S]
            [--seed N] [--time-zone ZONE] [--no-rate-limit]
                                   start the Coupa simulator; first stdout line is its base URL
  poll --object KEY --host URL --state-dir DIR --out FILE|- [--since ISO] [--lag-seconds N]
       [--return-type default|shallow|limited] [--instance NAME] [--source S] [--fields JSON]
       [--filter JSON] [--max-seconds N] [--concurrency N] [--parent NAME=ID] [--quiet]
       [--credentials FILE] [--trigger NAME] [--reset-since ISO]
                                   one poll run, exactly what one scheduled invocation does; appends
                                   each PutEvents entry as one JSON line; cursor state kept in DIR.
                                   remit_to_addresses without --parent fans out over every supplier;
                                   --trigger names one of several triggers of an object (own cursor);
                                   --reset-since restarts the cursor there first (re-emits history)
  start [--host URL] [--objects a,b,c] [--interval-seconds N] [--lag-seconds N] [--out FILE]
        [--state-dir DIR] [--duration-seconds N] [--records N] [--credentials FILE]
                                   the local main job (npm start): pollers on a short interval, one line
                                   per event, full events in FILE; without --host on the built-in
                                   simulator, which keeps editing records
  invoke ACTION --host URL --input JSON|@FILE|@- [--credentials FILE] [--files-dir DIR]
                                   run an action locally, as the action Lambda does: get, query, create,
                                   update, mark_exported, request, attach or a special action (submit,
                                   approve…); prints the result JSON; on failure prints
                                   {"errorType","errorMessage"} and exits 1. Scopes default to the
                                   object's read and write scopes. attach reads file.path (relative to
                                   the working directory); files Coupa answers a request with are saved
                                   under DIR (default ./coupa-files)
  auth login --host URL (--out FILE | --secret-id ARN) [--objects a,b] [--scopes "S …"] [--port N]
             [--timeout-seconds N] [--no-browser]
                                   authorization-code sign-in: prints Coupa's authorization URL (first
                                   stdout line), opens a browser, takes the redirect on
                                   http://127.0.0.1:8976/callback (--port N; 0 = any free port; default
                                   wait 300 s) and stores the credentials with a refresh token in FILE
                                   (0600) or the stack's credentials secret. Scopes: core.common.read,
                                   offline_access and the read and write scopes of --objects, plus
                                   --scopes; neither given: the objects in infra/config.ts. With
                                   --secret-id, the stack's token-refresh function mints the first token
                                   (on the next schedule, the first poll, or invoke it with {"force":true})
  redrive --queue-url URL [--event-bus NAME|ARN] [--dry-run] [--max N]
                                   put the entries of a connector dead-letter queue (DeadLetterQueueUrl:
                                   refused events; CommandDeadLetterQueueUrl: failed commands) on the
                                   bus again; a message is deleted only once the bus accepted its entry,
                                   the rest stay. --event-bus overrides the bus a message names (needed
                                   for Lambda failure records); --dry-run prints each entry it would send
                                   and changes nothing. AWS credentials and region from the environment.
                                   Prints {read, redriven, left, problems}; exit 1 if any were left
  doctor [--host URL] [--objects a,b,c] [--credentials FILE | --secret-id ARN
         [--refresh-function NAME --token-secret-id ARN]] [--json] [--clock-skew-seconds N] [--timeout-seconds N]
                                   test the connection: the host answers like Coupa, the grant works, the
                                   token's scopes cover the objects, one read per object works, Coupa's
                                   clock is within N s (60) of ours; one line per check, each failure
                                   naming its fix; exits 1 when any fails. --objects defaults to
                                   invoices,purchase_orders,suppliers. --secret-id checks a deployed
                                   stack's credentials secret (CredentialsSecretArn) with your AWS
                                   credentials; --host is then the stack's host, used if the secret has none.
                                   An authorization-code secret's single-use refresh token belongs to the
                                   stack's token-refresh function: give --refresh-function
                                   (TokenRefreshFunctionName) and --token-secret-id (TokenSecretArn) and
                                   doctor asks that function to refresh, then checks with its token
  schemas --out DIR [--host URL] [--objects a,b,c] [--credentials FILE] [--sample N] [--instance NAME]
                                   discover the instance's custom fields from its N (200) most recently
                                   updated records per object (read scope only) and write into DIR the
                                   objects' Created/Updated JSON Schemas with them typed, custom-fields.json
                                   and custom-fields.ts; register them with schemaRegistry: { schemasDir }
  help                             this text

Credentials for commands that call Coupa come from --credentials FILE (a credentials-secret JSON file,
either grant; rotated refresh tokens are written back to it; --host may then be left out), else from
COUPA_CLIENT_ID / COUPA_CLIENT_SECRET (optional COUPA_SCOPES, space-separated). \`auth login\` takes the
client from COUPA_CLIENT_ID / COUPA_CLIENT_SECRET only, never from flags.`;

/** Parses a whole non-negative integer flag value, naming the flag when it is not one. */
export function intFlag(name: string, value: string | undefined, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be a whole number between ${min} and ${max}, got "${value}"`);
  }
  return Number(value);
}

/** The catalog objects of a comma-separated `--objects` value; an unknown key or an empty list is a usage error. */
export function objectsFlag(value: string): CatalogObject[] {
  const objects = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((key) => {
      const object = findObject(key);
      if (!object) throw new UsageError(new UnknownObjectError(key).message);
      return object;
    });
  if (objects.length === 0) throw new UsageError('--objects needs at least one catalog key, e.g. invoices');
  return objects;
}
