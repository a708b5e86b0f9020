// jest globalSetup: provide MOTO_ENDPOINT to every test worker (process.env set here is inherited).
// CI (.ci/run) starts moto itself and sets MOTO_ENDPOINT; otherwise we launch it here.
// If moto cannot start (python3/moto missing) we do not fail the whole run: unit tests don't need it.
// Instead MOTO_UNAVAILABLE carries the reason and motoEndpoint() makes every moto test fail with it.
import { startMoto, waitForMoto } from './moto-process';
import type { MotoProcess } from './moto-process';

declare global {
  // Shared with global-teardown.ts (same process, same globalThis).
  var __MOTO__: MotoProcess | undefined;
}

export default async function globalSetup(): Promise<void> {
  const given = process.env.MOTO_ENDPOINT;
  if (given) {
    try {
      await waitForMoto(given, 10_000, () => undefined);
    } catch (e) {
      process.env.MOTO_UNAVAILABLE = `MOTO_ENDPOINT=${given} does not answer: ${(e as Error).message}`;
    }
    return;
  }
  try {
    const moto = await startMoto();
    globalThis.__MOTO__ = moto;
    process.env.MOTO_ENDPOINT = moto.endpoint;
  } catch (e) {
    process.env.MOTO_UNAVAILABLE = `could not start moto (needs python3 with moto 5 and flask: python3 -c 'import moto, flask'): ${(e as Error).message}`;
  }
}
