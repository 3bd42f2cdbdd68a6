import {
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { AuthUser } from './jwt.strategy';

export const UNAUTHORIZED_MESSAGE = 'missing, invalid or expired access token';
export const GUEST_FORBIDDEN_MESSAGE = 'guests cannot do this; please register or sign in';

/** Any valid access token: a user's or a guest's (401 otherwise). `@UseGuards(AllowGuests)` */
@Injectable()
export class AllowGuests extends AuthGuard('jwt') {
  override handleRequest<TUser = AuthUser>(
    err: unknown,
    user: unknown,
    _info?: unknown,
    _ctx?: ExecutionContext,
  ): TUser {
    // the session check could not be made (Redis down): 503, not a misleading 401
    if (err instanceof HttpException && err.getStatus() === HttpStatus.SERVICE_UNAVAILABLE) throw err;
    if (err || !user) throw new UnauthorizedException(UNAUTHORIZED_MESSAGE);
    return user as TUser;
  }
}

/** A signed-in account only: 401 without a valid token, 403 for a guest token. `@UseGuards(UserOnly)` */
@Injectable()
export class UserOnly extends AllowGuests {
  override handleRequest<TUser = AuthUser>(err: unknown, user: unknown, info?: unknown, ctx?: ExecutionContext): TUser {
    const u = super.handleRequest<AuthUser>(err, user, info, ctx);
    if (u.guest) throw new ForbiddenException(GUEST_FORBIDDEN_MESSAGE);
    return u as TUser;
  }
}
