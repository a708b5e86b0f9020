import { mkdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { localRateBudget } from '../../../shared/budget';
import { getObject, type CatalogObject } from '../../../shared/catalog';
import { CoupaClient, type CoupaQuery, type FieldSpec } from '../../../shared/coupa';
import { parseInstant, triggerNameProblem } from '../../../shared/changes';
import { EVENT_RETURN_TYPES, type EventReturnType } from '../../../shared/events';
import { instanceOf, loadCliCredentials } from '../credentials';
import type { CliIo } from '../io';
import { localPoll } from '../local-poller';
import { intFlag, UsageError } from '../usage';

/**
 * One poll run, exactly what one scheduled invocation does, with files in place of DynamoDB,
 * EventBridge and S3: cursor state in --state-dir, one PutEvents entry per line in --out.
 */
export async function pollCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      object: { type: 'string' },
      host: { type: 'string' },
      'state-dir': { type: 'string' },
      out: { type: 'string' },
      since: { type: 'string' },
      'lag-seconds': { type: 'string' },
      'return-type': { type: 'string' },
      instance: { type: 'string' },
      source: { type: 'string' },
      fields: { type: 'string' },
      filter: { type: 'string' },
      'max-seconds': { type: 'string' },
      concurrency: { type: 'string' },
      parent: { type: 'string' },
      trigger: { type: 'string' },
      'reset-since': { type: 'string' },
      credentials: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const required = (name: 'object' | 'state-dir' | 'out') => {
    const value = values[name];
    if (!value) throw new UsageError(`--${name} is required`);
    return value;
  };
  const object = getObject(required('object'));
  if (!object.capabilities.trigger)
    throw new UsageError(`${object.key} cannot be polled for changes (no trigger capability); see \`objects\``);
  const pathParams = parentParams(object, values.parent);
  const returnType = (values['return-type'] ?? 'default') as EventReturnType;
  if (!EVENT_RETURN_TYPES.includes(returnType)) throw new UsageError(`--return-type must be one of ${EVENT_RETURN_TYPES.join(', ')}`);
  const sinceMs = instantFlag('since', values.since);
  const resetSinceMs = instantFlag('reset-since', values['reset-since']);
  if (resetSinceMs !== undefined && resetSinceMs > Date.now()) throw new UsageError('--reset-since must not be in the future');
  const trigger = values.trigger;
  if (trigger !== undefined && triggerNameProblem(trigger)) throw new UsageError(`--trigger: ${triggerNameProblem(trigger)}`);
  const lagSeconds = intFlag('lag-seconds', values['lag-seconds'], { max: 86_400 }) ?? 120;
  const maxSeconds = intFlag('max-seconds', values['max-seconds'], { min: 1 });
  const concurrency = intFlag('concurrency', values.concurrency, { min: 1, max: 8 });
  const fields = parseJson<FieldSpec>('fields', values.fields, Array.isArray);
  const filters = parseJson<CoupaQuery>('filter', values.filter, (v) => typeof v === 'object' && v !== null && !Array.isArray(v));

  const login = await loadCliCredentials({ file: values.credentials, host: values.host, objects: [object] });
  const host = values.host ?? login.host;
  if (!host) throw new UsageError('--host is required (or --credentials FILE, which names its host)');
  // One process, one budget: the instance's 20 requests/s shared by every object it polls.
  const client = new CoupaClient({ host, credentials: login.credentials, rateBudget: localRateBudget() });
  const instance = values.instance ?? instanceOf(client.host.hostname, client.host.instance);
  const stateDir = required('state-dir');
  await mkdir(stateDir, { recursive: true });
  const out = required('out');
  const started = Date.now();
  const result = await localPoll({
    client,
    object,
    instance,
    stateDir,
    out,
    lagSeconds,
    returnType,
    ...(values.source ? { source: values.source } : {}),
    ...(sinceMs === undefined ? {} : { sinceMs }),
    ...(resetSinceMs === undefined ? {} : { resetSinceMs }),
    ...(trigger ? { trigger } : {}),
    ...(fields ? { fields } : {}),
    ...(filters ? { filters } : {}),
    ...(maxSeconds ? { stopAtMs: started + maxSeconds * 1000 } : {}),
    ...(concurrency ? { concurrency } : {}),
    ...(pathParams ? { pathParams } : {}),
    ...(values.quiet
      ? {}
      : { onPage: (p) => io.err(`${object.key}: ${p.published} events after ${p.requests} requests; changes before ${p.watermark} done`) }),
  });
  io.err(
    `${object.key}: published ${result.published} events (${result.claimChecked} claim-checked, ${result.deadLettered} dead-lettered) ` +
      `in ${result.requests} Coupa requests and ${result.checkpointWrites} checkpoint writes, ${Date.now() - started} ms; ` +
      `${result.stoppedBy === 'deadline' ? 'stopped at --max-seconds, run again to continue' : 'caught up'}; changes before ${new Date(result.cursor.watermarkMs).toISOString()} are published.`,
  );
  return 0;
}

/** An ISO-8601 instant with a zone, as epoch ms. */
function instantFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseInstant(value);
  if (ms === undefined)
    throw new UsageError(`--${flag} must be an ISO-8601 instant with a zone, e.g. 2026-11-27T08:00:00Z; got "${value}"`);
  return ms;
}

/**
 * `--parent supplier_id=12` for objects Coupa serves only under a parent (remit-to addresses): the
 * poller then follows that one parent's records. Without it, the poller fans out over every parent.
 */
function parentParams(object: CatalogObject, flag: string | undefined): Record<string, number> | undefined {
  const param = object.parentParam;
  if (!param) {
    if (flag !== undefined) throw new UsageError(`${object.key} is not served under a parent; drop --parent`);
    return undefined;
  }
  if (flag === undefined) return undefined;
  const match = /^(\w+)=(\d+)$/.exec(flag ?? '');
  if (!match || match[1] !== param.param) {
    throw new UsageError(
      `Coupa serves ${object.key} only under one ${param.parent.replace(/s$/, '')} (${object.path}): pass --parent ${param.param}=<id> to follow one ${param.parent.replace(/s$/, '')}'s records`,
    );
  }
  return { [param.param]: Number(match[2]) };
}

function parseJson<T>(flag: string, text: string | undefined, ok: (value: unknown) => boolean): T | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`--${flag} must be JSON, got ${text}`);
  }
  if (!ok(value)) throw new UsageError(`--${flag} has the wrong shape: ${text}`);
  return value as T;
}
