import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIMITS } from '@hihi/contracts';

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/** An error body-parser passes on with its status: HttpErrorFilter answers it in the error shape of docs/api.md. */
export class JsonBodyError extends Error {
  readonly status = 400;
  readonly statusCode = 400;
  readonly expose = true;
  constructor(
    message: string,
    readonly type: 'body.not.utf8' | 'body.too.deep',
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * How deeply the JSON text nests objects and arrays, found by one pass over the bytes (no
 * parsing, no recursion). Brackets inside strings do not count; UTF-8 multi-byte sequences never
 * contain ASCII bytes, so scanning bytes is exact. Stops as soon as `max` is exceeded.
 */
export function jsonNestingDepth(bytes: Uint8Array, max = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
      continue;
    }
    if (b === QUOTE) inString = true;
    else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (++depth > deepest) deepest = depth;
      if (deepest > max) return deepest;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) depth--;
  }
  return deepest;
}

/**
 * body-parser's `verify` hook for JSON bodies: it sees the raw bytes before JSON.parse does. A
 * body that is not valid UTF-8, or that nests deeper than LIMITS.payloadDepth, is refused here
 * with 400, before anything parses or walks it (docs/api.md "Validation").
 */
export function verifyJsonBody(_req: IncomingMessage, _res: ServerResponse, buf: Buffer): void {
  try {
    utf8.decode(buf);
  } catch {
    throw new JsonBodyError('request body is not valid UTF-8', 'body.not.utf8');
  }
  if (jsonNestingDepth(buf, LIMITS.payloadDepth) > LIMITS.payloadDepth) {
    throw new JsonBodyError(`JSON body is nested too deeply (at most ${LIMITS.payloadDepth} levels)`, 'body.too.deep');
  }
}
