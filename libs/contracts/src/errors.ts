/** Error codes of socket acknowledgements (docs/protocol.md). */
export const ERROR_CODES = [
  'validation',
  'unauthorized',
  'forbidden',
  'not_found',
  'rate_limited',
  'unavailable',
  'conflict',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AckError {
  code: ErrorCode;
  message: string;
  /** `rate_limited`: when to retry, ms (slow mode: when the next message may be sent) */
  retryAfterMs?: number;
  /** `forbidden` because the sender is muted: until when (ISO-8601 UTC; null: until lifted) */
  until?: string | null;
}

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: AckError };

/** The one HTTP error shape (docs/api.md). */
export interface HttpErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  correlationId: string;
}

/** HTTP status for each error code, used when a bus error is turned into an HTTP error. */
export const ERROR_CODE_STATUS: Record<ErrorCode, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

/**
 * Result of a bus request. Handlers never throw across the bus: they answer
 * `{ ok: false, error }` so the caller can map it to HTTP or a socket ack.
 */
export type BusResult<T> =
  { ok: true; data: T } | { ok: false; error: AckError & { status?: number; retryAfterSec?: number } };
