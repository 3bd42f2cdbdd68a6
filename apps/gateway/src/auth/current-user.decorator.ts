import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { PublicUser } from '@hihi/contracts';
import type { AuthUser } from './jwt.strategy';

/** The authenticated caller (after UserOnly / AllowGuests): `@CurrentUser() user: PublicUser`. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest<{ user: AuthUser }>().user;
});

/** The caller as a plain PublicUser (no session id), e.g. for a bus envelope's `actor`. */
export function publicUser(u: AuthUser): PublicUser {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    guest: u.guest,
    role: u.role,
    ...(u.bot ? { bot: true } : {}),
  };
}
