import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Observable, of } from 'rxjs';
import { BusError, fail } from './bus-result';
import { BusResult } from '@hihi/contracts';

function flatten(message: unknown): string {
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : 'invalid request';
}

/**
 * Microservice-wide filter: whatever a handler throws, the caller gets a well-formed
 * `{ ok: false, error }` answer, never a stack trace and never silence.
 */
@Catch()
export class BusExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Bus');

  catch(exception: unknown, _host: ArgumentsHost): Observable<BusResult<never>> {
    if (exception instanceof BusError) return of(exception.toResult());
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse() as { message?: unknown } | string;
      const message = typeof body === 'string' ? body : flatten(body.message);
      if (status === 400 || status === 422) return of(fail('validation', message));
      if (status === 401) return of(fail('unauthorized', message));
      if (status === 403) return of(fail('forbidden', message));
      if (status === 404) return of(fail('not_found', message));
      if (status === 409) return of(fail('conflict', message));
      if (status === 429) return of(fail('rate_limited', message));
    }
    this.logger.error(
      { err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : exception },
      'unhandled error in a bus handler',
    );
    return of(fail('unavailable', 'internal error'));
  }
}
