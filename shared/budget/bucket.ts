// The arithmetic of one instance's budget, shared by every store: a token bucket kept as GCRA (one
// "theoretical arrival time", `tat`), with AIMD on the rate. Pure functions of a state and a clock.
//
// - A reservation of k turns at time t takes the slots start, start+T, …, start+(k-1)T with
//   T = 1000/rate and start = max(tat, t, blockedUntil); turn i may be used from slot_i - burst. So in
//   any window of W ms at most (W + burst)/T + 1 turns are used, whoever holds them.
// - Reservations may run ahead of the clock by at most `horizonMs`; further ones wait.
// - A 429 halves the rate (at most once per `penaltyCooldownMs`: the requests in flight with it 429
//   together) and blocks every turn until Retry-After has passed. The rate then grows back linearly to
//   the configured one, as a function of time alone: recovery costs no write.

/** The budget's settings; every process of an instance should use the same. */
export interface BudgetSettings {
  /** The configured (and largest) rate. @default 20 */
  readonly requestsPerSecond: number;
  /** Turns a rested budget hands out at once, in ms of the rate. @default 500 (10 turns at 20/s) */
  readonly burstMs: number;
  /** How far ahead of the clock turns may be reserved. @default 2000 */
  readonly horizonMs: number;
  /** Share of the rate a 429 keeps. @default 0.5 */
  readonly decreaseFactor: number;
  /** Time to grow back from 0 to the configured rate (linearly). @default 20000 */
  readonly recoveryMs: number;
  /** The rate never falls below this. @default 1 */
  readonly minRequestsPerSecond: number;
  /** 429s within this long of a decrease do not decrease again. @default 1000 */
  readonly penaltyCooldownMs: number;
  /** How long a 429 without Retry-After blocks the instance. @default 1000 */
  readonly defaultBlockMs: number;
}

export const DEFAULT_REQUESTS_PER_SECOND = 20;

export const defaultBudgetSettings: BudgetSettings = {
  requestsPerSecond: DEFAULT_REQUESTS_PER_SECOND,
  burstMs: 500,
  horizonMs: 2000,
  decreaseFactor: 0.5,
  recoveryMs: 20_000,
  minRequestsPerSecond: 1,
  penaltyCooldownMs: 1000,
  defaultBlockMs: 1000,
};

/** Fills in defaults and rejects impossible values. */
export function budgetSettings(given: Partial<BudgetSettings> = {}): BudgetSettings {
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<BudgetSettings>;
  const s: BudgetSettings = { ...defaultBudgetSettings, ...defined };
  const positive = (key: keyof BudgetSettings) => {
    if (!(Number.isFinite(s[key]) && s[key] > 0)) throw new Error(`rate budget: ${key} must be a positive number`);
  };
  for (const key of Object.keys(defaultBudgetSettings) as (keyof BudgetSettings)[]) positive(key);
  if (s.decreaseFactor >= 1) throw new Error('rate budget: decreaseFactor must be below 1');
  if (s.minRequestsPerSecond > s.requestsPerSecond) throw new Error('rate budget: minRequestsPerSecond is above requestsPerSecond');
  return s;
}

/** One instance's stored budget. A missing item is {@link RESTED}. */
export interface BucketState {
  /** GCRA's theoretical arrival time, epoch ms: the slot after the last one reserved. */
  readonly tat: number;
  /** The rate at `rateAt` (after the last decrease); it grows back from there. */
  readonly rate: number;
  readonly rateAt: number;
  /** No turn before this instant (epoch ms): the longest Retry-After seen. */
  readonly blockedUntil: number;
  /** Changes with every penalty, so a reservation made with a stale rate or block is refused. */
  readonly epoch: number;
}

export const RESTED: BucketState = { tat: 0, rate: 0, rateAt: 0, blockedUntil: 0, epoch: 0 };

/** The rate now: the last decreased one plus the linear recovery since, capped at the configured rate. */
export function currentRate(state: BucketState, settings: BudgetSettings, nowMs: number): number {
  if (state.epoch === 0) return settings.requestsPerSecond;
  const recovered = state.rate + (Math.max(0, nowMs - state.rateAt) * settings.requestsPerSecond) / settings.recoveryMs;
  return Math.min(settings.requestsPerSecond, Math.max(settings.minRequestsPerSecond, recovered));
}

/** A plan to reserve `count` turns: the new `tat`, and the condition it holds under. */
export interface ReservationPlan {
  readonly count: number;
  /** Slot length, ms. */
  readonly slotMs: number;
  /** The earliest a slot may start: max(now, blockedUntil). */
  readonly floorMs: number;
  /** Reserving is refused when `tat` (before) is above this: the horizon would be passed. */
  readonly maxTatMs: number;
}

export function planReservation(state: BucketState, settings: BudgetSettings, count: number, nowMs: number): ReservationPlan {
  const slotMs = 1000 / currentRate(state, settings, nowMs);
  return {
    count,
    slotMs,
    floorMs: Math.max(nowMs, state.blockedUntil),
    maxTatMs: nowMs + settings.horizonMs - count * slotMs,
  };
}

/** Turns held by one process: when each may be used (epoch ms, ascending). */
export type Turns = readonly number[];

/** The turns a reservation starting at `startMs` gives. */
export function turnsOf(plan: ReservationPlan, startMs: number, settings: BudgetSettings, blockedUntil: number): Turns {
  return Array.from({ length: plan.count }, (_, i) => Math.max(blockedUntil, startMs + i * plan.slotMs - settings.burstMs));
}

/** The outcome of a reservation attempt. */
export type Reservation =
  | { readonly kind: 'granted'; readonly turns: Turns; readonly state: BucketState }
  /** The horizon is full: try again from `retryAtMs`. */
  | { readonly kind: 'full'; readonly retryAtMs: number; readonly state: BucketState };

/** Reserves on a state held in one place (the in-memory store); a DynamoDB store does the same with conditions. */
export function reserve(state: BucketState, settings: BudgetSettings, count: number, nowMs: number): Reservation {
  const plan = planReservation(state, settings, count, nowMs);
  const start = Math.max(state.tat, plan.floorMs);
  if (start > plan.floorMs && state.tat > plan.maxTatMs) {
    return { kind: 'full', retryAtMs: nowMs + (state.tat - plan.maxTatMs), state };
  }
  const next: BucketState = { ...state, tat: start + count * plan.slotMs };
  return { kind: 'granted', turns: turnsOf(plan, start, settings, state.blockedUntil), state: next };
}

/** The state after a 429 at `nowMs`; the same state when it changes nothing (a cooldown, a shorter block). */
export function penalised(state: BucketState, settings: BudgetSettings, nowMs: number, retryAfterMs: number | undefined): BucketState {
  const blockedUntil = Math.max(state.blockedUntil, nowMs + (retryAfterMs ?? settings.defaultBlockMs));
  const cooling = state.epoch !== 0 && nowMs - state.rateAt < settings.penaltyCooldownMs;
  if (cooling && blockedUntil === state.blockedUntil) return state;
  const rate = cooling
    ? { rate: state.rate, rateAt: state.rateAt }
    : {
        rate: Math.max(settings.minRequestsPerSecond, currentRate(state, settings, nowMs) * settings.decreaseFactor),
        rateAt: nowMs,
      };
  return { ...state, ...rate, blockedUntil, epoch: state.epoch + 1 };
}

/** Does a rested budget have room for a request nobody reserved (the first one of an idle run)? */
export function hasSpareRoom(state: BucketState, nowMs: number): boolean {
  return state.blockedUntil <= nowMs && state.tat <= nowMs;
}
