import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import { BusEnvelope, BusResult } from '@hihi/contracts';
import { Metrics } from './metrics';

const PATTERN_METADATA = 'microservices:pattern';

/**
 * For every bus request a service handles: one log line carrying the caller's correlation id
 * (so a request can be followed from the gateway's log into auth's and chat's), and metrics.
 */
@Injectable()
export class BusLoggingInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Bus');

  constructor(@Inject(Metrics) private readonly metrics: Metrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const patterns = Reflect.getMetadata(PATTERN_METADATA, context.getHandler()) as unknown[] | undefined;
    const pattern = String(patterns?.[0] ?? context.getHandler().name);
    const envelope = context.switchToRpc().getData() as Partial<BusEnvelope<unknown>> | undefined;
    const correlationId = typeof envelope?.correlationId === 'string' ? envelope.correlationId.slice(0, 64) : undefined;
    const started = process.hrtime.bigint();
    const done = (outcome: string, code?: string) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.busHandledSeconds.observe({ pattern, outcome }, seconds);
      if (pattern.endsWith('.ping')) return;
      this.logger.log(
        { correlationId, pattern, outcome, code, ms: Math.round(seconds * 1e4) / 10 },
        'bus request handled',
      );
    };
    return next.handle().pipe(
      tap({
        next: (value) => {
          const r = value as BusResult<unknown> | undefined;
          if (r && typeof r === 'object' && 'ok' in r && !r.ok) done('error', r.error.code);
          else done('ok');
        },
        error: () => done('error'),
      }),
    );
  }
}
