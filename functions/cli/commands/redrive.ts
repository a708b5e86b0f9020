import { parseArgs } from 'node:util';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeRedriveBus, S3PayloadReader, SqsRedriveQueue } from '../../../shared/adapters/aws';
import { runRedrive } from '../../../shared/redrive';
import type { CliIo } from '../io';
import { intFlag, UsageError } from '../usage';

/** A progress line on stderr every this many messages. */
const PROGRESS_EVERY = 100;

/**
 * `redrive --queue-url URL [--event-bus NAME] [--dry-run] [--max N]`: puts the entries of a connector
 * dead-letter queue (refused events, failed commands) on the bus again, deleting each message only
 * once the bus accepted it. AWS credentials and region from the usual SDK chain. Prints the report as
 * JSON on stdout (a dry run first prints each entry it would send, one JSON line each); exits 1 when
 * messages were left in the queue for a problem.
 */
export async function redriveCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { 'queue-url': { type: 'string' }, 'event-bus': { type: 'string' }, 'dry-run': { type: 'boolean' }, max: { type: 'string' } },
  });
  if (positionals.length > 0) throw new UsageError(`redrive takes no positional arguments; got ${positionals.join(' ')}`);
  const queueUrl = values['queue-url'];
  if (!queueUrl)
    throw new UsageError('--queue-url is required: the dead-letter queue (stack outputs DeadLetterQueueUrl, CommandDeadLetterQueueUrl)');
  const max = intFlag('max', values.max, { min: 1 });

  let nextProgress = PROGRESS_EVERY;
  const report = await runRedrive(
    {
      queue: new SqsRedriveQueue({ client: new SQSClient({}), queueUrl }),
      bus: new EventBridgeRedriveBus({ client: new EventBridgeClient({}) }),
      payloads: new S3PayloadReader({ client: new S3Client({}) }),
      onPlanned: (planned) => io.out(JSON.stringify({ wouldSend: planned })),
      onProgress: ({ read, redriven, left }) => {
        if (read < nextProgress) return;
        nextProgress = (Math.floor(read / PROGRESS_EVERY) + 1) * PROGRESS_EVERY;
        io.err(`redrive: ${read} read, ${redriven} ${values['dry-run'] ? 'to send' : 'redriven'}, ${left} left in the queue`);
      },
    },
    {
      ...(max === undefined ? {} : { max }),
      dryRun: values['dry-run'] ?? false,
      ...(values['event-bus'] ? { eventBusName: values['event-bus'] } : {}),
    },
  );
  io.out(JSON.stringify(report));
  return report.problems.length > 0 ? 1 : 0;
}
