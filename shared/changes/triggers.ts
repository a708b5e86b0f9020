// Several triggers per object (e.g. "approved invoices, shallow" beside "all invoices, limited"): a
// named trigger has its own cursor, claim-check prefix, event ids and metrics. An unnamed trigger keeps
// the single-trigger names, so existing deployments keep their cursors and ids.

/** A trigger name: lowercase letters, digits and dashes, starting with a letter (never a record id). */
export const TRIGGER_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** Why `name` cannot be a trigger name, or undefined when it can. */
export function triggerNameProblem(name: unknown): string | undefined {
  return typeof name === 'string' && TRIGGER_NAME.test(name)
    ? undefined
    : `name must be 1 to 32 lowercase letters, digits and dashes, starting with a letter; got ${JSON.stringify(name)}`;
}

/** The checkpoint key of a trigger: `<instance>:<object>`, or `<instance>:<object>:<name>` when named. */
export const checkpointKeyOf = (instance: string, objectKey: string, trigger?: string): string =>
  trigger ? `${instance}:${objectKey}:${trigger}` : `${instance}:${objectKey}`;

/** How a trigger is named in metrics, logs and `CoupaConnector.pollers`: `invoices` or `invoices:approved`. */
export const triggerLabel = (objectKey: string, trigger?: string): string => (trigger ? `${objectKey}:${trigger}` : objectKey);

/** Where a trigger's claim checks go under the payload prefix: `<instance>/<object>/` or `<instance>/<object>/<name>/`. */
export const claimCheckPrefixOf = (instance: string, objectKey: string, trigger?: string): string =>
  trigger ? `${instance}/${objectKey}/${trigger}/` : `${instance}/${objectKey}/`;
