// Collects every problem of an input and throws them together as one Coupa.Validation error, so a
// person fixes the input once, not once per problem.
import type { z } from 'zod';
import { CoupaValidationError } from '../coupa';

/** A list of input problems, each starting with the field it is about. @internal */
export class Problems {
  readonly #list: string[] = [];

  add(problem: string): void {
    if (!this.#list.includes(problem)) this.#list.push(problem);
  }

  /** Adds zod's issues, each as `<path> <message>` (the schemas word their messages for people). */
  addZod(issues: readonly z.core.$ZodIssue[], prefix = ''): void {
    for (const issue of issues) {
      const path = fieldPath([...(prefix ? [prefix] : []), ...issue.path.map(String)]);
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
        this.add(`${path ? `${path} has unknown` : 'unknown'} field${issue.keys.length > 1 ? 's' : ''} ${keys}`);
      } else this.add(path ? `${path} ${issue.message}` : issue.message);
    }
  }

  get empty(): boolean {
    return this.#list.length === 0;
  }

  /** Throws the problems as one {@link CoupaValidationError}; does nothing when there are none. */
  throwIfAny(action: string): void {
    if (this.empty) return;
    const intro = `Invalid input for the ${JSON.stringify(action)} action`;
    throw new CoupaValidationError(
      this.#list.length === 1
        ? `${intro}: ${this.#list[0]}`
        : `${intro} (${this.#list.length} problems): ${this.#list.map((p, i) => `${i + 1}) ${p}`).join('; ')}`,
    );
  }
}

/** `['data', 'custom-fields', 'cf-x']` → `data["custom-fields"]["cf-x"]`; plain names join with dots. */
export function fieldPath(segments: readonly string[]): string {
  return segments
    .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? (i === 0 ? s : `.${s}`) : `[${JSON.stringify(s)}]`))
    .join('');
}

/** A short, safe rendering of a value for a message: scalars shown (cut at 60 characters), others named. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 59)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
