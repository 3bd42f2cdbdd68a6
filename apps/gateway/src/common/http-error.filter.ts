import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { HttpErrorBody } from '@hihi/contracts';
import { CORRELATION_HEADER, correlationIdFrom } from '@hihi/common/observability';
import { ApiHttpException } from './bus-http';

type RequestWithId = Request & { correlationId?: string; id?: string };

/** Errors that body-parser and friends raise before Nest sees the request. */
interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/** The one error shape (docs/api.md "Errors"), with the correlation id that is also in the logs. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<RequestWithId>();
    const res = ctx.getResponse<Response>();
    const correlationId = req.correlationId ?? correlationIdFrom(req.headers?.[CORRELATION_HEADER]);
    let status = HttpStatus.INTERNAL_SERVER_ERROR;
    let message: string | string[] = 'internal error';
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const body = exception.getResponse();
      if (typeof body === 'string') message = body;
      else {
        const m = (body as { message?: unknown }).message;
        message = Array.isArray(m) ? m.map(String) : typeof m === 'string' ? m : exception.message;
      }
    } else if (this.isHttpish(exception)) {
      status = exception.status ?? exception.statusCode ?? 400;
      message =
        exception.type === 'entity.too.large'
          ? 'request body too large'
          : exception.type === 'entity.parse.failed'
            ? 'malformed JSON body'
            : (exception.message ?? 'bad request');
    } else {
      this.logger.error({ err: exception, correlationId }, 'unhandled error');
    }
    const body: HttpErrorBody = {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      message,
      correlationId,
    };
    if (!res.headersSent) {
      if (exception instanceof ApiHttpException)
        for (const [k, v] of Object.entries(exception.headers)) res.setHeader(k, v);
      res.setHeader(CORRELATION_HEADER, correlationId);
      res.status(status).json(body);
    }
  }

  private isHttpish(e: unknown): e is HttpishError {
    if (typeof e !== 'object' || e === null) return false;
    const s = (e as HttpishError).status ?? (e as HttpishError).statusCode;
    return typeof s === 'number' && s >= 400 && s < 500 && (e as HttpishError).expose !== false;
  }
}
