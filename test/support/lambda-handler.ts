// Loads a real Lambda handler module afresh, as a cold start would: the module reads its environment
// once at import, so each configuration gets its own copy of the module.

/**
 * Sets `env` (after removing the variables in `clear`, left by an earlier load) and imports the module.
 * @example const handler = await loadHandler<Handler>(() => import('../../functions/poller'), env, POLLER_KEYS);
 */
export async function loadHandler<H>(
  importModule: () => Promise<{ handler: unknown }>,
  env: Record<string, string>,
  clear: readonly string[] = [],
): Promise<H> {
  for (const key of clear) delete process.env[key];
  Object.assign(process.env, env);
  let handler: unknown;
  await jest.isolateModulesAsync(async () => {
    handler = (await importModule()).handler;
  });
  return handler as H;
}
