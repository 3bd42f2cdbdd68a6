import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { mergeMap, Observable } from 'rxjs';
import { ACCOUNT_PATTERNS, AuthTokens } from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import { USER_AGENT_MAX } from '@hihi/dto';
import { AUTH_BUS } from '../bus/bus.module';

/** `<sessionId>.<secret>`: the session id of a refresh token. */
const REFRESH_FORMAT = /^([A-Za-z0-9_-]{16,64})\.[A-Za-z0-9_-]+$/;

function isTokens(body: unknown): body is AuthTokens {
  const b = body as Partial<AuthTokens> | null;
  return !!b && typeof b === 'object' && typeof b.refreshToken === 'string' && typeof b.user?.id === 'string';
}

/**
 * Every answer that hands out a refresh token (register, sign-in, its second step, passkey,
 * single sign-on, refresh) names its session's browser for the sessions list (SPEC §10): the
 * request's User-Agent goes to auth (at most 2 s; a failure only leaves the label out).
 */
@Injectable()
export class SessionLabeler implements NestInterceptor {
  private readonly logger = new Logger('SessionLabeler');

  constructor(@Inject(AUTH_BUS) private readonly auth: BusClient) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<Request>();
    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        // awaited (a sessions list read right after the sign-in shows the label), briefly
        if (isTokens(body)) await this.label(body, req).catch(() => undefined);
        return body;
      }),
    );
  }

  private async label(tokens: AuthTokens, req: Request): Promise<void> {
    const sid = REFRESH_FORMAT.exec(tokens.refreshToken)?.[1];
    if (!sid || tokens.user.guest) return;
    const raw = req.headers['user-agent'];
    const userAgent = (typeof raw === 'string' ? raw : '')
      .replace(/[\p{Cc}\p{Cf}]/gu, '')
      .trim()
      .slice(0, USER_AGENT_MAX);
    const correlationId = (req as Request & { correlationId?: string }).correlationId ?? 'session-label';
    const res = await this.auth.call(
      ACCOUNT_PATTERNS.sessionLabel,
      { userId: tokens.user.id, sid, userAgent },
      { correlationId, timeoutMs: 2000 },
    );
    if (!res.ok) this.logger.warn(`session ${sid.slice(0, 6)}… not labelled: ${res.error.message}`);
  }
}
