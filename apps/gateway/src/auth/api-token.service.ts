import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  INTEGRATION_PATTERNS,
  isApiToken,
  SocketCommand,
  TokenIdentity,
  TokenScope,
  tokenSessionId,
} from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import { correlationIdFrom } from '@hihi/common/observability';
import { AUTH_BUS } from '../bus/bus.module';
import { ApiHttpException } from '../common/bus-http';
import { RevocationService } from './revocation.service';

/** How long auth's answer about a token is believed here, ms (revocation: ≤ 1 s with margin). */
export const TOKEN_CACHE_MS = 500;
const CACHE_MAX = 10_000;

/** Scopes a socket command needs (SPEC §9): reading a room's messages, or writing them. */
export const SOCKET_COMMAND_SCOPES: Record<SocketCommand, TokenScope> = {
  roomJoin: 'messages:read',
  roomLeave: 'messages:read',
  roomRead: 'messages:read',
  typing: 'messages:write',
  messageSend: 'messages:write',
  messageEdit: 'messages:write',
  messageDelete: 'messages:write',
  messageReact: 'messages:write',
};

export type TokenVerdict = { ok: true; identity: TokenIdentity } | { ok: false; status: 401 | 503 };

/**
 * Bots' and people's long-lived tokens (`hihi_bot_…`, `hihi_pat_…`) at the gateway: who a token
 * is comes from auth (`auth.tokens.verify`), believed for TOKEN_CACHE_MS; a revocation reaches
 * this gateway at once through the revocation channel (the token's "session" `tok:<id>`), so a
 * revoked token is refused within a second on every gateway, and its sockets are closed.
 */
@Injectable()
export class ApiTokenService {
  /** sha256(token) → answer and when it was fetched */
  private readonly cache = new Map<string, { at: number; identity: TokenIdentity }>();

  constructor(
    @Inject(AUTH_BUS) private readonly auth: BusClient,
    private readonly revocation: RevocationService,
  ) {}

  static isToken(value: unknown): value is string {
    return isApiToken(value);
  }

  async verify(token: string, correlationId?: string): Promise<TokenVerdict> {
    if (!isApiToken(token)) return { ok: false, status: 401 };
    const key = createHash('sha256').update(token).digest('base64url');
    const now = Date.now();
    let identity = this.cache.get(key);
    if (!identity || now - identity.at >= TOKEN_CACHE_MS) {
      const res = await this.auth.call(
        INTEGRATION_PATTERNS.tokensVerify,
        { token },
        { correlationId: correlationId ?? correlationIdFrom(undefined) },
      );
      if (!res.ok) {
        this.cache.delete(key);
        return { ok: false, status: res.error.code === 'unauthorized' ? 401 : 503 };
      }
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      identity = { at: now, identity: res.data };
      this.cache.set(key, identity);
    }
    const { identity: id } = identity;
    if (id.expiresAt && Date.parse(id.expiresAt) <= now) return { ok: false, status: 401 };
    try {
      if (await this.revocation.isRevoked(tokenSessionId(id.tokenId))) {
        this.cache.delete(key);
        return { ok: false, status: 401 };
      }
    } catch {
      return { ok: false, status: 503 };
    }
    return { ok: true, identity: id };
  }

  /** REST: the identity, or the HTTP error to answer. */
  async require(token: string, correlationId?: string): Promise<TokenIdentity> {
    const v = await this.verify(token, correlationId);
    if (v.ok) return v.identity;
    if (v.status === 503)
      throw ApiHttpException.retryAfter(503, 'service temporarily unavailable; try again shortly', 2);
    throw new UnauthorizedException('invalid, expired or revoked token');
  }
}
