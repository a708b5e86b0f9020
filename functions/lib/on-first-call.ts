// Ports whose adapter is built on its first call, so the adapter's SDK client loads only then: the
// rare paths (claim checks, dead letters, attachment files) cost nothing at cold start. The SDK
// modules are imported dynamically: esbuild would hoist a static import to the top of the bundle.
import { once } from './tokens';

/** `T` with every listed method forwarding to the adapter `build` makes on the first call. */
export function onFirstCall<T extends object>(build: () => Promise<T>, methods: readonly (keyof T & string)[]): T {
  const adapter = once(build);
  const port: Record<string, unknown> = {};
  for (const method of methods) {
    port[method] = async (...args: unknown[]) => {
      const built = await adapter();
      return (built[method] as (...a: unknown[]) => unknown).apply(built, args);
    };
  }
  return port as T;
}

/** The S3 client, loaded and built on first use and shared by every adapter that asks. */
export const lazyS3Client = once(async () => new (await import('@aws-sdk/client-s3')).S3Client({}));
