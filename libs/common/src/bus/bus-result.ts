import { BusResult, ErrorCode } from '@hihi/contracts';

export function ok<T>(data: T): BusResult<T> {
  return { ok: true, data };
}

/** What an error may carry beside code and message (HTTP status, when to retry, until when a mute lasts). */
export interface BusErrorExtra {
  status?: number;
  retryAfterSec?: number;
  retryAfterMs?: number;
  until?: string | null;
}

export function fail(code: ErrorCode, message: string, extra: BusErrorExtra = {}): BusResult<never> {
  return { ok: false, error: { code, message, ...extra } };
}

/** An error a service handler throws on purpose; the bus filter turns it into a BusResult. */
export class BusError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: BusErrorExtra = {},
  ) {
    super(message);
    this.name = 'BusError';
  }

  toResult(): BusResult<never> {
    return fail(this.code, this.message, this.extra);
  }
}
