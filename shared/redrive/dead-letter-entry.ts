// What a dead-letter message asks to send again. Three shapes reach the connector's queues:
// - the poller's (SqsDeadLetterSink): `{reason, message, entry}`, the PutEvents entry EventBridge
//   refused, with its bus; or `{reason, message, entry (no Detail), claimCheck}` when the message was
//   too large, the full message then being in the payload bucket;
// - EventBridge's, for a command the rule could not deliver: the event itself (attribute `RULE_ARN`);
// - Lambda's on-failure record for a command that failed its retries: `{requestContext,
//   requestPayload: <the event>, responsePayload, …}`.
import { createHash } from 'node:crypto';
import type { DataRef } from '../events';
import type { PayloadReader, QueuedMessage, RedriveEntry } from './ports';

export type DeadLetterKind = 'refused-event' | 'undelivered-command' | 'failed-command' | 'unknown';

export type DeadLetterEntry =
  | { readonly kind: DeadLetterKind; readonly entry: RedriveEntry }
  | { readonly kind: DeadLetterKind; readonly problem: string };

export interface EntryOptions {
  /** Overrides the bus a message names; needed for Lambda failure records, which name none. */
  readonly eventBusName?: string;
  /** Reads claim-checked dead letters and checks that claim-checked records still exist. */
  readonly payloads?: PayloadReader;
}

/** The entry to put on the bus for `message`, or why there is none. */
export async function deadLetterEntry(message: QueuedMessage, options: EntryOptions = {}): Promise<DeadLetterEntry> {
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch {
    return { kind: 'unknown', problem: 'The message body is not JSON' };
  }
  if (!isObject(body)) return { kind: 'unknown', problem: 'The message body is not a JSON object' };
  if ('reason' in body && isObject(body.entry)) return refusedEvent(body, options);
  if (isObject(body.requestContext) && 'requestPayload' in body) {
    return commandEntry(
      'failed-command',
      body.requestPayload,
      options.eventBusName,
      'a Lambda failure record names no bus: pass the command bus',
    );
  }
  if (typeof body['detail-type'] === 'string' && typeof body.source === 'string') {
    const bus = options.eventBusName ?? busOfRule(message.attributes.RULE_ARN);
    return commandEntry('undelivered-command', body, bus, 'the message has no RULE_ARN attribute naming its bus: pass the command bus');
  }
  return {
    kind: 'unknown',
    problem: 'Not a dead letter of this connector (neither {reason, entry}, an EventBridge event nor a Lambda failure record)',
  };
}

async function refusedEvent(body: Record<string, unknown>, options: EntryOptions): Promise<DeadLetterEntry> {
  const kind = 'refused-event';
  let entry = body.entry as Record<string, unknown>;
  if (isObject(body.claimCheck)) {
    const ref = body.claimCheck as unknown as DataRef;
    if (!options.payloads)
      return { kind, problem: `The dead letter is claim-checked (s3://${ref.bucket}/${ref.key}) and no payload reader is configured` };
    const text = await options.payloads.read(ref);
    if (text === undefined)
      return {
        kind,
        problem: `The claim-checked dead letter s3://${ref.bucket}/${ref.key} no longer exists (expired from the payload bucket?)`,
      };
    if (createHash('sha256').update(text, 'utf8').digest('hex') !== ref.sha256) {
      return { kind, problem: `The claim-checked dead letter s3://${ref.bucket}/${ref.key} does not match its SHA-256` };
    }
    const stored = JSON.parse(text) as { entry?: unknown };
    if (!isObject(stored.entry)) return { kind, problem: `The claim-checked dead letter s3://${ref.bucket}/${ref.key} holds no entry` };
    entry = stored.entry;
  }
  const { Source, DetailType, Detail, Time, EventBusName, Resources } = entry;
  if (typeof Source !== 'string' || typeof DetailType !== 'string' || typeof Detail !== 'string') {
    return { kind, problem: 'The entry lacks Source, DetailType or Detail' };
  }
  const bus = options.eventBusName ?? (typeof EventBusName === 'string' ? EventBusName : undefined);
  if (!bus) return { kind, problem: 'The entry names no bus: pass the bus' };
  const gone = await missingRecordPayload(Detail, options.payloads);
  if (gone) return { kind, problem: gone };
  return {
    kind,
    entry: {
      EventBusName: bus,
      Source,
      DetailType,
      Detail,
      ...(typeof Time === 'number' || typeof Time === 'string' ? { Time } : {}),
      ...(Array.isArray(Resources) && Resources.length > 0 ? { Resources: Resources.map(String) } : {}),
    },
  };
}

/** A change event whose record was claim-checked is useless once the object is gone: say so instead of sending it. */
async function missingRecordPayload(detail: string, payloads: PayloadReader | undefined): Promise<string | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return undefined; // sent as it is: the bus decides (MalformedDetail again, most likely)
  }
  if (!isObject(parsed) || !isObject(parsed.dataRef)) return undefined;
  const ref = parsed.dataRef as unknown as DataRef;
  if (!payloads)
    return `The event's record is claim-checked (s3://${ref.bucket}/${ref.key}) and no payload reader is configured to check it still exists`;
  return (await payloads.exists(ref))
    ? undefined
    : `The event's record s3://${ref.bucket}/${ref.key} no longer exists (expired from the payload bucket?)`;
}

/**
 * A command sent again as it was sent, keeping the original event's id as `idempotencyKey` and
 * `correlationId` unless the sender gave its own: a write that did succeed answers from the
 * idempotency record instead of running twice (while the record lasts), and results still correlate.
 */
function commandEntry(kind: DeadLetterKind, event: unknown, bus: string | undefined, noBus: string): DeadLetterEntry {
  if (!isObject(event) || typeof event['detail-type'] !== 'string' || typeof event.source !== 'string' || !isObject(event.detail)) {
    return { kind, problem: 'The message holds no EventBridge event with source, detail-type and an object detail' };
  }
  if (!bus) return { kind, problem: noBus };
  const id = typeof event.id === 'string' ? event.id : undefined;
  const detail = { ...event.detail };
  if (id && (typeof detail.idempotencyKey !== 'string' || detail.idempotencyKey === '')) detail.idempotencyKey = id;
  if (id && (typeof detail.correlationId !== 'string' || detail.correlationId === '')) detail.correlationId = id;
  const resources = Array.isArray(event.resources) ? event.resources.map(String) : [];
  return {
    kind,
    entry: {
      EventBusName: bus,
      Source: event.source,
      DetailType: event['detail-type'],
      Detail: JSON.stringify(detail),
      ...(resources.length > 0 ? { Resources: resources } : {}),
    },
  };
}

/** `arn:…:rule/<bus>/<rule>` names a custom bus; `arn:…:rule/<rule>` the default one. */
export function busOfRule(ruleArn: string | undefined): string | undefined {
  const match = ruleArn ? /^arn:[^:]+:events:[^:]*:[^:]*:rule\/(.+)$/.exec(ruleArn) : null;
  if (!match) return undefined;
  const parts = match[1]!.split('/');
  return parts.length > 1 ? parts.slice(0, -1).join('/') : 'default';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
