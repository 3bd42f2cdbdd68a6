import {
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { TokenScope } from '@hihi/contracts';
import type { AuthUser } from './jwt.strategy';
import { ApiTokenService } from './api-token.service';

export const UNAUTHORIZED_MESSAGE = 'missing, invalid or expired access token';
export const GUEST_FORBIDDEN_MESSAGE = 'guests cannot do this; please register or sign in';

const SCOPES_KEY = 'hihi:token-scopes';

/**
 * Routes that long-lived tokens (`hihi_pat_…`, `hihi_bot_…`, SPEC §9) may call, and the scope
 * they need (`@TokenScopes()` with none: any token). A route without it answers 403 to a token:
 * tokens never manage tokens, sign-in factors or the server.
 */
export const TokenScopes = (...scopes: TokenScope[]) => SetMetadata(SCOPES_KEY, scopes);

/**
 * Any valid access token: a user's or a guest's (401 otherwise). `@UseGuards(AllowGuests)`.
 * A `Bearer hihi_…` token is asked of auth (ApiTokenService) instead of passport-jwt, and must
 * hold the route's scope (`@TokenScopes`).
 */
@Injectable()
export class AllowGuests extends AuthGuard('jwt') {
  constructor(
    private readonly tokens: ApiTokenService,
    private readonly reflector: Reflector,
  ) {
    super();
  }

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request & { user?: AuthUser; correlationId?: string }>();
    const header = req.headers?.authorization;
    const bearer = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (bearer === undefined || !bearer.startsWith('hihi_')) return (await super.canActivate(ctx)) as boolean;
    const identity = await this.tokens.require(bearer, req.correlationId);
    const needed = this.reflector.getAllAndOverride<TokenScope[] | undefined>(SCOPES_KEY, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (needed === undefined) throw new ForbiddenException('this route does not accept access tokens');
    const missing = needed.filter((s) => !identity.scopes.includes(s));
    if (missing.length) throw new ForbiddenException(`this token lacks the scope ${missing.join(', ')}`);
    req.user = this.check({
      ...identity.user,
      role: identity.user.role ?? 'member',
      token: { id: identity.tokenId, kind: identity.kind, scopes: identity.scopes },
    });
    return true;
  }

  /** Subclasses refine who may pass (UserOnly: no guests). */
  protected check(user: AuthUser): AuthUser {
    return user;
  }

  override handleRequest<TUser = AuthUser>(
    err: unknown,
    user: unknown,
    _info?: unknown,
    _ctx?: ExecutionContext,
  ): TUser {
    // the session check could not be made (Redis down): 503, not a misleading 401
    if (err instanceof HttpException && err.getStatus() === HttpStatus.SERVICE_UNAVAILABLE) throw err;
    if (err || !user) throw new UnauthorizedException(UNAUTHORIZED_MESSAGE);
    return this.check(user as AuthUser) as TUser;
  }
}

/** A signed-in account only: 401 without a valid token, 403 for a guest token. `@UseGuards(UserOnly)` */
@Injectable()
export class UserOnly extends AllowGuests {
  protected override check(user: AuthUser): AuthUser {
    if (user.guest) throw new ForbiddenException(GUEST_FORBIDDEN_MESSAGE);
    return user;
  }
}

/**
 * People only, signed in with a session (no long-lived token), e.g. to manage tokens and bots:
 * a token cannot mint more tokens. `@UseGuards(PersonOnly)`
 */
@Injectable()
export class PersonOnly extends UserOnly {
  protected override check(user: AuthUser): AuthUser {
    super.check(user);
    if (user.token || user.bot) throw new ForbiddenException('sign in as a person to do this');
    return user;
  }
}
