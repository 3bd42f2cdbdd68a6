import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { CORRELATION_HEADER, correlationIdFrom } from '@hihi/common/observability';

/** Every request gets a correlation id (the caller's, when safe), echoed in the response. */
@Injectable()
export class CorrelationMiddleware implements NestMiddleware {
  use(req: Request & { correlationId?: string }, res: Response, next: NextFunction): void {
    req.correlationId ??= correlationIdFrom(req.headers[CORRELATION_HEADER]);
    res.setHeader(CORRELATION_HEADER, req.correlationId);
    next();
  }
}
