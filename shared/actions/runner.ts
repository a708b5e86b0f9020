// One action, as the action and command functions run it: the input checked first (nothing is recorded
// for invalid input), writes with an idempotencyKey run once through an IdempotencyStore (Powertools on
// DynamoDB in Lambda: shared/adapters/aws/PowertoolsIdempotencyStore.ts), large results claim-checked,
// and idempotency failures turned into errors named like the Coupa client's (`Coupa.Validation`,
// `Coupa.Transient`) so that Step Functions Retry/Catch can match them.
import { randomUUID } from 'node:crypto';
import type { PayloadStore } from '../changes/ports';
import { CoupaTransientError, CoupaUnknownOutcomeError, CoupaValidationError, isCoupaUnknownOutcomeError } from '../coupa';
import type { DataRef } from '../events';
import type { Logger } from '../logger';
import { actionResultKeyPrefix } from './limits';
import { parseActionInput, writesCoupa } from './parse';
import { executeAction } from './run';
import type { FileSource } from './files';
import type { ActionDeps, ActionRequest, ActionResult, ParsedAction, TruncatedBy } from './types';

/** The part of a Lambda context the runner uses: how long the invocation has left. */
export interface InvocationClock {
  getRemainingTimeInMillis(): number;
}

/**
 * Runs a write at most once per key within the expiry; the port of the runner's idempotency. A repeat
 * gets the recorded value (`executed: false`) without running `write`. When `write` throws, nothing is
 * kept and a repeat runs again. Failures of the store itself are {@link IdempotencyFailure}s.
 */
export interface IdempotencyStore {
  once<T>(call: IdempotentCall<T>): Promise<{ readonly value: T; readonly executed: boolean }>;
}

export interface IdempotentCall<T> {
  /** What identifies the write (hashed by the store). */
  readonly key: string;
  /** What a repeat must send again: a repeat with another input fails (`input-mismatch`). */
  readonly input: unknown;
  readonly write: () => Promise<T>;
  /** The invocation's clock: a record in progress expires with it. */
  readonly clock: InvocationClock;
}

/**
 * Why the idempotency store could not answer: the same key with another input, the first call still in
 * progress, or the store failing (`afterWrite`: the write ran but its result could not be recorded).
 */
export class IdempotencyFailure extends Error {
  override readonly name = 'IdempotencyFailure';
  constructor(
    readonly reason: 'input-mismatch' | 'in-progress' | 'store-failed',
    message: string,
    readonly afterWrite = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A result too large to return inline (over RESULT_INLINE_LIMIT_BYTES): what identifies it, and where
 * the whole ActionResult is (JSON in the payload bucket). `payload: "omitted"` only when storing it
 * failed after a write had succeeded: the write is not repeated for the sake of its answer.
 */
export interface ClaimCheckedResult {
  readonly object?: string;
  readonly id?: number | null;
  readonly count?: number;
  readonly truncated?: boolean;
  readonly nextOffset?: number;
  readonly truncatedBy?: TruncatedBy;
  readonly status?: number;
  readonly payload: 's3' | 'omitted';
  readonly resultRef?: DataRef;
  readonly reason?: string;
}

export type ActionOutput = ActionResult | ClaimCheckedResult;

/**
 * What the idempotency record keeps for a write whose outcome is unknown (`Coupa.UnknownOutcome`): a
 * repeat with the same idempotencyKey is answered with the same error and never sent again.
 */
interface RecordedUnknownOutcome {
  readonly unknownOutcome: { readonly message: string; readonly at: string };
}
const isRecordedUnknownOutcome = (value: unknown): value is RecordedUnknownOutcome =>
  typeof value === 'object' && value !== null && 'unknownOutcome' in value;

export interface ActionRunnerDeps {
  /** The Coupa client, built on first use (its host comes from the credentials secret). */
  readonly client: () => Promise<ActionDeps['client']>;
  /** Where writes with an idempotencyKey are recorded (PowertoolsIdempotencyStore in Lambda). */
  readonly idempotency: IdempotencyStore;
  /**
   * Claim-check store for large results and for files `request` gets back (under the same
   * `actions/<instance>/` prefix); without it, results are returned whole and file answers fail.
   */
  readonly payloads?: PayloadStore;
  /** Where `attach` reads files (S3 in Lambda); without it, `attach` fails with `Coupa.Configuration`. */
  readonly files?: FileSource;
  readonly logger?: Logger;
  /** @default real time */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ActionRunnerOptions {
  readonly instance: string;
  /** How long an idempotency record answers repeats of its write. */
  readonly idempotencyExpirySeconds: number;
  readonly resultInlineLimitBytes: number;
  /**
   * How long a duplicate waits for an identical write that is still in progress before giving up with
   * `Coupa.Transient`; capped by the invocation's remaining time. @default 10000
   */
  readonly inProgressWaitMs?: number;
  /**
   * Time kept back from the invocation's remaining time for what follows the Coupa calls: the claim
   * check of a large result (S3), the idempotency record (DynamoDB) and, for commands, the result
   * event (EventBridge). Coupa calls end, or fail with a retryable error, this long before Lambda's
   * deadline. @default 5000 (ACTION_DEADLINE_RESERVE_MS)
   */
  readonly deadlineReserveMs?: number;
}

/** Default of {@link ActionRunnerOptions.deadlineReserveMs}. */
export const ACTION_DEADLINE_RESERVE_MS = 5_000;

const DEFAULT_IN_PROGRESS_WAIT_MS = 10_000;
/** Left for the rest of the invocation (publishing a result event, returning) after waiting. */
const WAIT_RESERVE_MS = 3_000;
const NO_CLOCK: InvocationClock = { getRemainingTimeInMillis: () => 60_000 };

/**
 * Runs actions for a Lambda handler. Decisions (README "Actions"):
 * - invalid input fails with `Coupa.Validation` before anything is recorded or sent;
 * - reads never touch the idempotency store; writes without an idempotencyKey run as they come;
 * - a write with an idempotencyKey runs once per (action, object, key) within the expiry: a repeat gets
 *   the first result (even days later, within the expiry), a repeat with a different input fails with
 *   `Coupa.Validation`, a repeat while the first is still running waits for its result (up to
 *   `inProgressWaitMs`) and otherwise fails with `Coupa.Transient` (retry it: the next try answers with
 *   the stored result); a failed write records nothing, so its retry runs again — except a write whose
 *   outcome is unknown (`Coupa.UnknownOutcome`): that is recorded, and every repeat with the key fails
 *   the same way without sending anything.
 */
export class ActionRunner {
  readonly #deps: ActionRunnerDeps;
  readonly #options: ActionRunnerOptions;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(deps: ActionRunnerDeps, options: ActionRunnerOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Runs one action; throws errors named for Step Functions (`Coupa.*`). With the invocation's `clock`
   * (the Lambda context), every Coupa call ends `deadlineReserveMs` before the invocation's deadline (or
   * fails with a retryable error: `Coupa.Transient`, `Coupa.RateLimited`, or `Coupa.UnknownOutcome` for
   * a write cut off after it was sent), so the function is never killed mid-action by Lambda's timeout.
   */
  async run(request: ActionRequest, clock?: InvocationClock): Promise<ActionOutput> {
    const startedMs = Date.now();
    const parsed = parseActionInput(request.action, request.input); // Coupa.Validation, nothing recorded
    const deadlineMs = clock
      ? startedMs + clock.getRemainingTimeInMillis() - (this.#options.deadlineReserveMs ?? ACTION_DEADLINE_RESERVE_MS)
      : undefined;
    const key = parsed.idempotencyKey;
    const write = writesCoupa(parsed);
    if (!key || !write) return this.#execute(request, parsed, write, deadlineMs);

    clock ??= NO_CLOCK;
    const { idempotencyKey: _omit, ...normalised } = parsed as typeof parsed & { idempotencyKey?: string };
    const object = 'object' in parsed ? parsed.object : 'request';
    const call: IdempotentCall<ActionOutput | RecordedUnknownOutcome> = {
      key: `${request.action}:${object}:${key}`,
      input: normalised,
      clock,
      write: async () => {
        try {
          return await this.#execute(request, parsed, true, deadlineMs);
        } catch (error) {
          // Keep it: a failed write is not recorded, and its retry would send the write again.
          if (isCoupaUnknownOutcomeError(error)) return { unknownOutcome: { message: error.message, at: new Date().toISOString() } };
          throw error;
        }
      },
    };
    const waitUntil =
      Date.now() +
      Math.min(this.#options.inProgressWaitMs ?? DEFAULT_IN_PROGRESS_WAIT_MS, clock.getRemainingTimeInMillis() - WAIT_RESERVE_MS);
    for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 1_000)) {
      try {
        const { value, executed } = await this.#deps.idempotency.once(call);
        if (!executed)
          this.#deps.logger?.info('Repeated write answered from its idempotency record', {
            action: request.action,
            object,
            idempotencyKey: key,
          });
        if (isRecordedUnknownOutcome(value)) throw unknownOutcomeFailure(value, executed, `${request.action} of ${object}`, key);
        return value;
      } catch (error) {
        if (error instanceof IdempotencyFailure && error.reason === 'in-progress' && Date.now() + delayMs < waitUntil) {
          await this.#sleep(delayMs);
          continue;
        }
        throw this.#idempotencyFailure(error, request.action, object, key);
      }
    }
  }

  async #execute(request: ActionRequest, parsed: ParsedAction, write: boolean, deadlineMs: number | undefined): Promise<ActionOutput> {
    const client = await this.#deps.client();
    const { payloads, files } = this.#deps;
    const result = await executeAction(
      {
        client,
        ...(deadlineMs === undefined ? {} : { deadlineMs }),
        ...(files ? { files } : {}),
        ...(payloads ? { fileResults: { store: payloads, keyPrefix: actionResultKeyPrefix(this.#options.instance) } } : {}),
      },
      parsed,
    );
    return this.#claimCheck(result, request, write);
  }

  async #claimCheck(result: ActionResult, request: ActionRequest, wrote: boolean): Promise<ActionOutput> {
    const payloads = this.#deps.payloads;
    const body = JSON.stringify(result);
    const bytes = Buffer.byteLength(body, 'utf8');
    if (!payloads || bytes <= this.#options.resultInlineLimitBytes) return result;
    const summary = summarise(result);
    const object = typeof request.input.object === 'string' ? request.input.object : 'request';
    const key = `${actionResultKeyPrefix(this.#options.instance)}${safeSegment(object)}/${new Date().toISOString().slice(0, 10)}/${randomUUID()}.json`;
    try {
      return { ...summary, payload: 's3', resultRef: await payloads.put(key, body) };
    } catch (error) {
      const reason = `the result (${bytes} bytes) is over the inline limit of ${this.#options.resultInlineLimitBytes} and could not be stored in the payload bucket (${describe(error)})`;
      // A write is done: answer with what identifies it rather than fail and invite a second write.
      if (wrote) {
        this.#deps.logger?.error('Result of a completed write could not be claim-checked', { action: request.action, object, reason });
        return { ...summary, payload: 'omitted', reason };
      }
      throw new CoupaTransientError(`${capitalise(reason)}; retry the ${request.action}`);
    }
  }

  #idempotencyFailure(error: unknown, action: string, object: string, key: string): unknown {
    if (!(error instanceof IdempotencyFailure)) return error; // the action's own error (Coupa.*), unchanged
    const what = `${action} of ${object} with idempotencyKey "${key}"`;
    switch (error.reason) {
      case 'input-mismatch':
        return new CoupaValidationError(
          `idempotencyKey "${key}" was already used for a ${action} of ${object} with a different input within the last ` +
            `${this.#options.idempotencyExpirySeconds} s; send a new key for a new request (the first request's result is kept)`,
        );
      case 'in-progress':
        return new CoupaTransientError(`An identical ${what} is still in progress; retry to get its result`);
      case 'store-failed': {
        const stage = error.afterWrite
          ? "the write reached Coupa but its result could not be recorded; a repeat is answered as in progress until this invocation's timeout passes"
          : 'nothing was recorded';
        return new CoupaTransientError(`The idempotency table failed during the ${what} (${error.message}); ${stage}`);
      }
    }
  }
}

/** The error for a recorded unknown outcome: the first time, and for every repeat with the same key. */
function unknownOutcomeFailure(recorded: RecordedUnknownOutcome, first: boolean, what: string, key: string): CoupaUnknownOutcomeError {
  const { message, at } = recorded.unknownOutcome;
  const advice = 'check Coupa for the record, then send a new idempotencyKey if it is missing';
  return new CoupaUnknownOutcomeError(
    first
      ? `${message}. Recorded for idempotencyKey "${key}": a repeat with this key gets this error and is not sent; ${advice}`
      : `The ${what} with idempotencyKey "${key}" had an unknown outcome at ${at} and is not sent again; ${advice}. It failed with: ${message}`,
  );
}

function summarise(result: ActionResult): Omit<ClaimCheckedResult, 'payload'> {
  if ('records' in result) {
    const { object, count, truncated, nextOffset, truncatedBy } = result;
    return { object, count, truncated, ...(nextOffset === undefined ? {} : { nextOffset }), ...(truncatedBy ? { truncatedBy } : {}) };
  }
  if ('record' in result || 'attachment' in result) return { object: result.object, id: result.id };
  return { status: result.status };
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const safeSegment = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100) || '_';
