// jest globalTeardown: stop the moto server started by global-setup.ts (by PID). A moto started by
// CI (MOTO_ENDPOINT given) is left alone: its owner kills it.
import { stopMoto } from './moto-process';

export default async function globalTeardown(): Promise<void> {
  const moto = globalThis.__MOTO__;
  if (!moto) return;
  globalThis.__MOTO__ = undefined;
  await stopMoto(moto);
}
