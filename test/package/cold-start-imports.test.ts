// Cold start: what each handler's bundle (built as the construct builds it) loads at import. Clients of
// rare paths (S3 claim checks and attachment files, SQS dead letters) must not be static imports:
// esbuild hoists those to the top of the ESM bundle, so they would load at every cold start.
import path from 'node:path';
import { buildSync } from 'esbuild';
import { HANDLER_BUNDLING } from '../../infra/HandlerFunction';

function staticSdkImports(handler: string): string[] {
  const out = buildSync({
    entryPoints: [path.join(__dirname, '../../functions', handler)],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: HANDLER_BUNDLING.target,
    mainFields: [...HANDLER_BUNDLING.mainFields],
    external: [...HANDLER_BUNDLING.externalModules],
    logLevel: 'error',
  });
  const code = out.outputFiles[0]!.text;
  return [...new Set([...code.matchAll(/^import .* from "(@aws-sdk\/[^"]+)";$/gm)].map((m) => m[1]!))].sort();
}

test.each(['poller.ts', 'action.ts', 'command.ts'])('%s loads no S3 or SQS client at import', (handler) => {
  const imports = staticSdkImports(handler);
  expect(imports).toContain('@aws-sdk/client-dynamodb'); // the check sees static imports at all
  expect(imports).not.toContain('@aws-sdk/client-s3');
  expect(imports).not.toContain('@aws-sdk/client-sqs');
});
