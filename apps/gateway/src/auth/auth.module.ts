import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { SessionLabeler } from './session-labeler';
import { PassportModule } from '@nestjs/passport';
import { AuthController, MeController } from './auth.controller';
import { AuthGatewayService } from './auth.service';
import { JwtStrategy } from './jwt.strategy';
import { RateLimitService } from './rate-limit.service';
import { LoginLimiter } from './login-limiter';
import { RevocationService } from './revocation.service';
import { ServerRolesService } from '../roles/server-roles.service';
import { OriginPolicy } from './origin-policy';
import { AllowGuests, PersonOnly, UserOnly } from './guards';
import { ApiTokenService } from './api-token.service';
import { ChatProvisioner } from '../chat/chat-provisioner';
import { SIGNIN_CONTROLLERS, SIGNIN_PROVIDERS } from './signin';

/**
 * Accounts at the gateway: /api/auth/* and /api/me, the passport-jwt strategy, and the
 * guards other modules use (`@UseGuards(UserOnly)` / `@UseGuards(AllowGuests)` + `@CurrentUser()`).
 */
@Module({
  imports: [PassportModule.register({ session: false })],
  controllers: [AuthController, MeController, ...SIGNIN_CONTROLLERS],
  providers: [
    JwtStrategy,
    AuthGatewayService,
    RateLimitService,
    LoginLimiter,
    RevocationService,
    ServerRolesService,
    OriginPolicy,
    AllowGuests,
    UserOnly,
    PersonOnly,
    ApiTokenService,
    ChatProvisioner,
    { provide: APP_INTERCEPTOR, useClass: SessionLabeler },
    ...SIGNIN_PROVIDERS,
  ],
  exports: [
    PassportModule,
    RateLimitService,
    LoginLimiter,
    RevocationService,
    ServerRolesService,
    OriginPolicy,
    AllowGuests,
    UserOnly,
    PersonOnly,
    ApiTokenService,
    ChatProvisioner,
  ],
})
export class AuthModule {}
