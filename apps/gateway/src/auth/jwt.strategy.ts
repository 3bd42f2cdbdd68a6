import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { GatewayConfig } from '@hihi/config';
import {
  ApiTokenKind,
  JWT_ALGORITHM,
  JWT_AUDIENCE,
  JWT_ISSUER,
  PublicUser,
  TokenScope,
  TokenUse,
} from '@hihi/contracts';
import { ApiHttpException } from '../common/bus-http';
import { RevocationService } from './revocation.service';
import { ServerRolesService } from '../roles/server-roles.service';

/** The uses of token that authenticate a request at all; refresh tokens are opaque and never JWTs. */
const ACCEPTED_USES: readonly TokenUse[] = ['access', 'guest'];

/** The authenticated caller on `req.user`: the public user plus the token's session id. */
export interface AuthUser extends PublicUser {
  /** session id (user tokens only) */
  sid?: string;
  /** signed in with a long-lived token (SPEC §9): which, and what it may do */
  token?: { id: string; kind: ApiTokenKind; scopes: TokenScope[] };
}

/**
 * Bearer access tokens: HS256 only (no `none`, no RS/HS confusion), `iss`, `aud` and `exp`
 * checked by passport-jwt; validate() then checks the claims, the token's `use`, and that its
 * session was not signed out (RevocationService: 401 within 1 s of a logout on any gateway); the
 * caller's server role comes from ServerRolesService (current within 1 s, not the token's age).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: GatewayConfig,
    private readonly revocation: RevocationService,
    private readonly roles: ServerRolesService,
  ) {
    if (!config.JWT_SECRET) throw new Error('JWT_SECRET is not configured');
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.JWT_SECRET,
      algorithms: [JWT_ALGORITHM],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  async validate(payload: Record<string, unknown>): Promise<AuthUser> {
    const { sub, username, displayName, use, sid, exp } = payload;
    if (
      typeof sub !== 'string' ||
      typeof username !== 'string' ||
      typeof displayName !== 'string' ||
      typeof exp !== 'number' ||
      typeof use !== 'string' ||
      !ACCEPTED_USES.includes(use as TokenUse)
    ) {
      throw new UnauthorizedException('invalid access token');
    }
    const guest = use === 'guest';
    if (guest !== sub.startsWith('guest:')) throw new UnauthorizedException('invalid access token');
    if (!guest && typeof sid === 'string') {
      let revoked: boolean;
      try {
        revoked = await this.revocation.isRevoked(sid);
      } catch {
        throw ApiHttpException.retryAfter(503, 'service temporarily unavailable; try again shortly', 2);
      }
      if (revoked) throw new UnauthorizedException('this session was signed out');
    }
    const role = await this.roles.roleOf(sub, guest);
    return { id: sub, username, displayName, guest, role, ...(typeof sid === 'string' && !guest ? { sid } : {}) };
  }
}
