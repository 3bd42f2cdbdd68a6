import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { BusResult, ERROR_CODE_STATUS, ErrorCode } from '@hihi/contracts';

type BusFailure = Extract<BusResult<never>, { ok: false }>['error'];

/**
 * An HTTP error in the shape of docs/api.md (HttpErrorFilter adds the correlationId) that may carry
 * response headers, e.g. `Retry-After` on 429/503. HttpErrorFilter sets `headers`.
 */
export class ApiHttpException extends HttpException {
  constructor(
    status: number,
    message: string | string[],
    readonly headers: Record<string, string> = {},
  ) {
    super({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message }, status);
  }

  /** 429 (or another status) with `Retry-After: <seconds>`. */
  static retryAfter(status: number, message: string, retryAfterSec: number): ApiHttpException {
    return new ApiHttpException(status, message, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSec))) });
  }
}

function statusOf(error: BusFailure): number {
  const s = error.status;
  if (typeof s === 'number' && Number.isInteger(s) && s >= 400 && s <= 599) return s;
  return ERROR_CODE_STATUS[error.code as ErrorCode] ?? 500;
}

/** The HTTP error for a bus failure: status from ERROR_CODE_STATUS (or the service's own), Retry-After when given. */
export function busErrorToHttp(error: BusFailure): ApiHttpException {
  const status = statusOf(error);
  const message = status >= 500 && status !== 503 ? 'internal error' : error.message || STATUS_CODES[status] || 'error';
  const headers: Record<string, string> = {};
  if (typeof error.retryAfterSec === 'number' && error.retryAfterSec > 0) {
    headers['Retry-After'] = String(Math.ceil(error.retryAfterSec));
  }
  return new ApiHttpException(status, message, headers);
}

/**
 * `{ok: true, data}` → data; `{ok: false, error}` → throws the matching HTTP error
 * (e.g. `unavailable` → 503 when a service is down or slow). Use in every gateway controller.
 */
export function unwrap<T>(result: BusResult<T>): T {
  if (result.ok) return result.data;
  throw busErrorToHttp(result.error);
}
