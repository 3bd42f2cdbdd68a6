import { BusError } from '@hihi/common';

/** An opaque page cursor: a JSON array of strings, base64url. */
export function encodeCursor(parts: string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** The parts of a cursor this server answered (`n` strings of at most 256 characters), or validation. */
export function decodeCursor(cursor: string, n: number): string[] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === n && v.every((p) => typeof p === 'string' && p.length <= 256))
      return v as string[];
  } catch {
    // fall through
  }
  throw new BusError('validation', 'cursor must be a nextCursor answered by a previous page');
}
