/**
 * Seeded, order-independent randomness. Every generated value is a pure function of (seed, object, id,
 * property), so a record can be generated on demand, alone, and always comes out the same.
 */

/** 32-bit FNV-1a of a string: cheap, stable, good enough to derive sub-seeds. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes integers into one well-spread 32-bit value (murmur3 finaliser per step). */
export function mix(...values: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) h = mixStep(h, v);
  return h >>> 0;
}

/** `mix(a, b, c, d)` without the rest array: the generator derives one per generated value. */
export function mix4(a: number, b: number, c: number, d: number): number {
  return mixStep(mixStep(mixStep(mixStep(0x9e3779b9, a), b), c), d) >>> 0;
}

function mixStep(hash: number, v: number): number {
  let h = hash ^ Math.imul(v | 0, 0xcc9e2d51);
  h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** A small deterministic generator (mulberry32) with the helpers the generator needs. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}
