import { LIMITS } from '@hihi/contracts';

/** Keys that could reach an object's prototype when a payload is copied onto a class instance. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A lone UTF-16 surrogate (the `u` flag pairs proper surrogates into one code point, so only lone
 * ones match) or U+FFFD, the mark a decoder leaves where the bytes were not valid UTF-8.
 */
const NOT_TEXT = /[\uD800-\uDFFF\uFFFD]/u;

export interface PayloadLimits {
  /** deepest nesting of objects and arrays (the top-level object is level 1) */
  maxDepth: number;
  /** most values in all */
  maxValues: number;
}

export const PAYLOAD_LIMITS: PayloadLimits = { maxDepth: LIMITS.payloadDepth, maxValues: LIMITS.payloadValues };

/** True when the string is well-formed Unicode text (no lone surrogates, no U+FFFD). */
export function isWellFormedText(s: string): boolean {
  return !NOT_TEXT.test(s);
}

/**
 * The structural rules every request obeys, whatever its schema (HTTP body and query, socket
 * payload, bus data alike): plain JSON values only, nested at most `maxDepth` levels, at most
 * `maxValues` values, no `__proto__` / `constructor` / `prototype` key anywhere, every string and
 * key well-formed text. Walks the value with an explicit stack, so a hostile value cannot exhaust
 * the call stack; this runs BEFORE any recursive work (class-transformer, class-validator).
 *
 * Returns the first problem as a message for the client, or undefined when the value is fine.
 */
export function payloadProblem(value: unknown, limits: PayloadLimits = PAYLOAD_LIMITS): string | undefined {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  let values = 0;
  while (stack.length) {
    const { v, depth } = stack.pop()!;
    if (++values > limits.maxValues) return `payload has too many values (at most ${limits.maxValues})`;
    if (typeof v === 'string') {
      if (!isWellFormedText(v)) return 'strings must be valid UTF-8 text';
      continue;
    }
    if (typeof v !== 'object' || v === null) {
      if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') return 'payload must be JSON';
      continue;
    }
    if (depth + 1 > limits.maxDepth) return `payload is nested too deeply (at most ${limits.maxDepth} levels)`;
    if (Array.isArray(v)) {
      if (values + stack.length + v.length > limits.maxValues) {
        return `payload has too many values (at most ${limits.maxValues})`;
      }
      for (const item of v) stack.push({ v: item, depth: depth + 1 });
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return 'payload must be JSON';
    const keys = Object.keys(v);
    if (values + stack.length + keys.length > limits.maxValues) {
      return `payload has too many values (at most ${limits.maxValues})`;
    }
    for (const key of keys) {
      if (PROTOTYPE_KEYS.has(key)) return `property ${key} should not exist`;
      if (!isWellFormedText(key)) return 'property names must be valid UTF-8 text';
      stack.push({ v: (v as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return undefined;
}
