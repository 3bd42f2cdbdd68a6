export { AuthModule } from './auth.module';
export {
  AllowGuests,
  UserOnly,
  PersonOnly,
  TokenScopes,
  UNAUTHORIZED_MESSAGE,
  GUEST_FORBIDDEN_MESSAGE,
} from './guards';
export { ApiTokenService, SOCKET_COMMAND_SCOPES } from './api-token.service';
export { CurrentUser, publicUser } from './current-user.decorator';
export type { AuthUser } from './jwt.strategy';
export { RateLimitService } from './rate-limit.service';
export { RevocationService, sessionRoom } from './revocation.service';
export { OriginPolicy } from './origin-policy';
