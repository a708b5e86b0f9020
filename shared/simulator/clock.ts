/**
 * The simulator's clock. Token expiry, rate limiting, record timestamps and commit lag all read it, so a
 * test can freeze time (`set`) and move it (`advance`) instead of sleeping.
 */
export interface SimClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Freezes the clock at `epochMs`. */
  set(epochMs: number): void;
  /** Moves the clock forward (or back, with a negative value); a frozen clock stays frozen. */
  advance(ms: number): void;
  /** Follows the base clock again (keeping any offset from `advance` while running). */
  useRealTime(): void;
  /** True while frozen by `set`. */
  readonly frozen: boolean;
}

export function createClock(base: () => number = Date.now): SimClock {
  let frozenAt: number | undefined;
  let offsetMs = 0;
  return {
    now: () => frozenAt ?? base() + offsetMs,
    set(epochMs) {
      frozenAt = epochMs;
    },
    advance(ms) {
      if (frozenAt === undefined) offsetMs += ms;
      else frozenAt += ms;
    },
    useRealTime() {
      frozenAt = undefined;
      offsetMs = 0;
    },
    get frozen() {
      return frozenAt !== undefined;
    },
  };
}

/** Coupa timestamps have whole-second resolution. */
export const toWholeSecond = (epochMs: number): number => Math.floor(epochMs / 1000) * 1000;
