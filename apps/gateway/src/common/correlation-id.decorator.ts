import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { correlationIdFrom } from '@hihi/common/observability';

/** The request's correlation id (set by CorrelationMiddleware). */
export const CorrelationId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const req = ctx.switchToHttp().getRequest<{ correlationId?: string }>();
  return req.correlationId ?? correlationIdFrom(undefined);
});
