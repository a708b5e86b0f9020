// Bus commands: an EventBridge event with detail-type `Coupa Command` runs one action (through the same
// ActionRunner as Step Functions tasks, so the same idempotency) and is answered on the bus with
// `Coupa Command Succeeded` or `Coupa Command Failed`. Only retryable failures make the invocation fail
// (Lambda's async retries, then the command dead-letter queue); every other failure, including a
// malformed command, is answered with a Failed event and not retried.
import { EVENTBRIDGE_MAX_ENTRY_BYTES, putEventsEntryBytes } from '../events/entry-size';
import type { Logger } from '../logger';
import type { ActionOutput, ActionRunner, InvocationClock } from './runner';
import type { ActionRequest } from './types';

export const COMMAND_DETAIL_TYPE = 'Coupa Command';
export const COMMAND_SUCCEEDED = 'Coupa Command Succeeded';
export const COMMAND_FAILED = 'Coupa Command Failed';
export const COMMAND_SCHEMA_VERSION = '1';

/** The EventBridge event a rule delivers to the command function. */
export interface CommandEvent {
  readonly id: string;
  readonly 'detail-type'?: string;
  readonly source?: string;
  readonly time?: string;
  readonly detail?: unknown;
}

/**
 * `detail` of a `Coupa Command`: an action and its input, plus an optional correlation id that the
 * result event repeats. `idempotencyKey` defaults to the event's id (stable across EventBridge and
 * Lambda retries of the same event); send your own to make resends of a command idempotent too.
 */
export interface CommandDetail {
  readonly action: string;
  /** The Coupa instance the command is for (e.g. `acme`): only that instance's connector runs it. */
  readonly instance: string;
  readonly object?: string;
  readonly id?: number;
  readonly data?: Record<string, unknown>;
  readonly idempotencyKey?: string;
  readonly correlationId?: string;
  readonly [input: string]: unknown;
}

export interface CommandError {
  readonly errorType: string;
  readonly errorMessage: string;
}

/** `detail` of `Coupa Command Succeeded` / `Coupa Command Failed`. */
export interface CommandResultDetail {
  readonly schemaVersion: string;
  /** The command's `correlationId`, else the command event's id. */
  readonly correlationId: string;
  /** The command event's id. */
  readonly commandId: string;
  readonly action: string | null;
  readonly object: string | null;
  readonly id: number | null;
  readonly idempotencyKey?: string;
  /** Succeeded: the action's result (large ones claim-checked: `{payload: "s3", resultRef}`). */
  readonly result?: ActionOutput;
  /** Failed: what went wrong, as Lambda would report it. */
  readonly error?: CommandError;
}

/** A PutEvents entry without the bus (the publisher adds it). */
export interface ResultEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly Resources: string[];
}

export interface ResultPublisher {
  publish(entry: ResultEntry): Promise<void>;
}

export interface CommandDeps {
  readonly runner: Pick<ActionRunner, 'run'>;
  readonly publisher: ResultPublisher;
  /** `Source` of result events: `coupa.<instance>`. */
  readonly source: string;
  /** This connector's instance: commands naming another are refused (the rule already filters them). */
  readonly instance: string;
  readonly logger?: Logger;
}

/** Failures worth another attempt of the same command: Coupa throttling and transient faults. */
const RETRYABLE = new Set(['Coupa.RateLimited', 'Coupa.Transient']);
/**
 * Failures that are answers about this command (or about the connector's configuration, which a retry
 * minutes later will not fix): reported as Failed events, not retried. Anything else (an AWS service
 * failing, a bug) is retried and finally dead-lettered, so the command is never silently lost.
 */
const PERMANENT = new Set([
  'Coupa.Validation',
  'Coupa.NotFound',
  'Coupa.Unauthorized',
  'Coupa.Forbidden',
  'Coupa.Conflict',
  'Coupa.Configuration',
  // A write that may have been applied: answered, never retried (a retry could apply it twice).
  'Coupa.UnknownOutcome',
  'Tokens.InvalidCredentials',
  'Tokens.SecretFormat',
]);

/** True when a failure should fail the invocation (and be retried) rather than be answered. */
export function isRetryable(error: unknown): boolean {
  const name = error instanceof Error ? error.name : undefined;
  if (name && RETRYABLE.has(name)) return true;
  return !(name && PERMANENT.has(name));
}

/** EventBridge's entry limit is 256 KB; an error message never needs more than this. */
const MAX_ERROR_MESSAGE_CHARS = 8 * 1024;

/** Runs one command event and publishes its result event. Throws only for retryable failures. */
export async function handleCommand(deps: CommandDeps, event: CommandEvent, clock?: InvocationClock): Promise<CommandResultDetail> {
  const detail = isObject(event.detail) ? (event.detail as Record<string, unknown>) : {};
  const correlationId = typeof detail.correlationId === 'string' && detail.correlationId !== '' ? detail.correlationId : event.id;
  const action = typeof detail.action === 'string' && detail.action !== '' ? detail.action : null;
  const object = typeof detail.object === 'string' ? detail.object : null;
  const { action: _a, correlationId: _c, instance: commandInstance, ...input } = detail;
  const idempotencyKey = typeof input.idempotencyKey === 'string' && input.idempotencyKey !== '' ? input.idempotencyKey : event.id;
  const base = {
    schemaVersion: COMMAND_SCHEMA_VERSION,
    correlationId,
    commandId: event.id,
    action,
    object,
    id: typeof input.id === 'number' ? input.id : null,
  };

  let resultDetail: CommandResultDetail;
  if (!isObject(event.detail) || action === null) {
    resultDetail = {
      ...base,
      error: {
        errorType: 'Coupa.Validation',
        errorMessage:
          'A Coupa Command needs a JSON object detail with "action" (e.g. "update") and the action\'s input ("object", "id", "data", …)',
      },
    };
  } else if (commandInstance !== deps.instance) {
    // Two connectors on one bus (prod and sandbox) must not both run a command.
    const named = typeof commandInstance === 'string' ? `names instance "${commandInstance.slice(0, 64)}"` : 'names no "instance"';
    resultDetail = {
      ...base,
      error: {
        errorType: 'Coupa.Validation',
        errorMessage: `The command ${named}; this connector runs only commands for "${deps.instance}"`,
      },
    };
  } else {
    const request: ActionRequest = { action, input: { ...input, idempotencyKey } };
    try {
      const result = await deps.runner.run(request, clock);
      const id = 'id' in result && typeof result.id === 'number' ? result.id : base.id;
      resultDetail = { ...base, id, idempotencyKey, result };
    } catch (error) {
      if (isRetryable(error)) {
        deps.logger?.warn('Command failed; it will be retried', { correlationId, action, object, error: errorOf(error) });
        throw error;
      }
      resultDetail = { ...base, idempotencyKey, error: errorOf(error) };
    }
  }
  await deps.publisher.publish(resultEntry(deps.source, resultDetail));
  deps.logger?.info(resultDetail.error ? 'Command failed' : 'Command succeeded', {
    correlationId,
    action,
    object,
    id: resultDetail.id,
    ...(resultDetail.error ? { errorType: resultDetail.error.errorType } : {}),
  });
  return resultDetail;
}

/** The result event; a result that would push the entry over 256 KB is reduced to what identifies it. */
export function resultEntry(source: string, detail: CommandResultDetail): ResultEntry {
  const entry = (d: CommandResultDetail): ResultEntry => ({
    Source: source,
    DetailType: d.error ? COMMAND_FAILED : COMMAND_SUCCEEDED,
    Detail: JSON.stringify(d),
    Resources: [],
  });
  const first = entry(detail);
  if (putEventsEntryBytes(first) <= EVENTBRIDGE_MAX_ENTRY_BYTES || !detail.result) return first;
  const { result: _r, ...rest } = detail;
  return entry({
    ...rest,
    result: {
      object: detail.object ?? undefined,
      id: detail.id,
      payload: 'omitted',
      reason: 'the result is too large for an event; lower RESULT_INLINE_LIMIT_BYTES so that large results are claim-checked',
    },
  });
}

function errorOf(error: unknown): CommandError {
  if (error instanceof Error) {
    const message = error.message.length > MAX_ERROR_MESSAGE_CHARS ? `${error.message.slice(0, MAX_ERROR_MESSAGE_CHARS)}…` : error.message;
    return { errorType: error.name, errorMessage: message };
  }
  return { errorType: 'Error', errorMessage: String(error).slice(0, MAX_ERROR_MESSAGE_CHARS) };
}

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
