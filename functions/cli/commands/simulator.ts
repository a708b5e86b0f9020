import { parseArgs } from 'node:util';
import { startSimulator } from '../../../shared/simulator';
import type { CliIo } from '../io';
import { intFlag } from '../usage';

/**
 * Starts the Coupa simulator and keeps it running until SIGINT/SIGTERM. The first stdout line is the base
 * URL (scripts read it); everything else goes to stderr.
 */
export async function simulatorCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string' },
      records: { type: 'string' },
      'latency-ms': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      seed: { type: 'string' },
      'time-zone': { type: 'string' },
      'no-rate-limit': { type: 'boolean', default: false },
    },
  });
  const sim = await startSimulator({
    port: intFlag('port', values.port, { max: 65535 }),
    records: intFlag('records', values.records, { max: 1_000_000 }),
    latencyMs: intFlag('latency-ms', values['latency-ms'], { max: 600_000 }),
    seed: intFlag('seed', values.seed),
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
    timeZone: values['time-zone'],
    ...(values['no-rate-limit'] ? { rateLimit: false as const } : {}),
  });
  io.out(sim.baseUrl);
  io.err(`Coupa simulator listening on ${sim.baseUrl} (API ${sim.baseUrl}/api, token ${sim.baseUrl}/oauth2/token).`);
  io.err(`Client id: ${values['client-id'] ?? 'sim-client'}. Control endpoints under ${sim.baseUrl}/__sim/. Ctrl-C stops it.`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sim.close();
  return 0;
}
