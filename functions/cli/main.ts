import { processIo, type CliIo } from './io';
import { USAGE, UsageError } from './usage';

type Command = (args: string[], io: CliIo) => Promise<number>;

// Loaded on demand: `objects` should not pay for loading the simulator and its OpenAPI schemas.
const commands: Record<string, () => Promise<Command>> = {
  // require, not import(): the package bin runs under tsx's CommonJS hook, which import() bypasses.
  objects: async () => (require('./commands/objects') as typeof import('./commands/objects')).objectsCommand,
  poll: async () => (require('./commands/poll') as typeof import('./commands/poll')).pollCommand,
  start: async () => (require('./commands/start') as typeof import('./commands/start')).startCommand,
  simulator: async () => (require('./commands/simulator') as typeof import('./commands/simulator')).simulatorCommand,
  invoke: async () => (require('./commands/invoke') as typeof import('./commands/invoke')).invokeCommand,
  auth: async () => (require('./commands/auth') as typeof import('./commands/auth')).authCommand,
  redrive: async () => (require('./commands/redrive') as typeof import('./commands/redrive')).redriveCommand,
  doctor: async () => (require('./commands/doctor') as typeof import('./commands/doctor')).doctorCommand,
  schemas: async () => (require('./commands/schemas') as typeof import('./commands/schemas')).schemasCommand,
};

/**
 * Runs one CLI command and returns its exit code: 0 success, 1 failure, 2 usage error. Errors print as
 * `{"errorType","errorMessage"}` on stderr so scripts can parse them like Lambda errors.
 */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  try {
    if (!command) throw new UsageError(`Unknown command "${name}". Commands: ${Object.keys(commands).join(', ')}`);
    return await (await command())(args, io);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    // node:util parseArgs reports unknown flags with this code: treat as a usage mistake.
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.err(JSON.stringify({ errorType: usage ? 'UsageError' : e.name, errorMessage: e.message }));
    if (usage) io.err(USAGE);
    return usage ? 2 : 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
