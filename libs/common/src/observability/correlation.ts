import { randomUUID } from 'node:crypto';

export const CORRELATION_HEADER = 'x-correlation-id';
const SAFE = /^[A-Za-z0-9._:-]{1,64}$/;

/** Take a caller's correlation id when it is safe to log, else make a new one. */
export function correlationIdFrom(value: unknown): string {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && SAFE.test(v) ? v : randomUUID();
}
