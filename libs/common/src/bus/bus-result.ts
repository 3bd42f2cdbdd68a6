import { BusResult, ErrorCode } from '@hihi/contracts';

export function ok<T>(data: T): BusResult<T> {
  return { ok: true, data };
}

export function fail(
  code: ErrorCode,
  message: string,
  extra: { status?: number; retryAfterSec?: number } = {},
): BusResult<never> {
  return { ok: false, error: { code, message, ...extra } };
}

/** An error a service handler throws on purpose; the bus filter turns it into a BusResult. */
export class BusError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { status?: number; retryAfterSec?: number } = {},
  ) {
    super(message);
    this.name = 'BusError';
  }

  toResult(): BusResult<never> {
    return fail(this.code, this.message, this.extra);
  }
}
