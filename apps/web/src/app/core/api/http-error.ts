import { HttpErrorResponse } from '@angular/common/http';
import type { HttpErrorBody } from '@hihi/contracts';

/** The HTTP status of an error, 0 for network errors and non-HTTP errors. */
export function httpStatus(err: unknown): number {
  return err instanceof HttpErrorResponse ? err.status : 0;
}

/**
 * The server's message (SPEC §4 error shape), joined when it is a list. A network failure
 * (status 0: offline, refused) has none — its `error` is the browser's own exception ("Failed to
 * fetch"), which is no message for people; callers say "network" then.
 */
export function httpErrorMessage(err: unknown): string | null {
  if (!(err instanceof HttpErrorResponse) || err.status === 0 || err.error instanceof Error) return null;
  const body = err.error as Partial<HttpErrorBody> | null;
  if (body && typeof body === 'object' && body.message) {
    return Array.isArray(body.message) ? body.message.join(', ') : String(body.message);
  }
  return null;
}

/** Seconds from a Retry-After header, if present. */
export function retryAfterSeconds(err: unknown): number | null {
  if (!(err instanceof HttpErrorResponse)) return null;
  const value = err.headers?.get('Retry-After');
  const n = value ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.ceil(n) : null;
}
