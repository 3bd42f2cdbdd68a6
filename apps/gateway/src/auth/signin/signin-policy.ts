import { ForbiddenException, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { GatewayConfig } from '@hihi/config';
import { RelyingParty, SigninMethods } from '@hihi/contracts';
import { normalizeUsername } from '@hihi/dto';
import { OriginPolicy } from '../origin-policy';

export const PASSWORD_SIGNIN_OFF = 'this server signs in with single sign-on only';

/**
 * Which sign-in methods this gateway offers, and where passkeys are bound:
 * - OIDC_ONLY=true turns password sign-in and registration off, except for the break-glass
 *   accounts of OIDC_BREAK_GLASS_USERS (docs/operations.md);
 * - the WebAuthn relying party is WEBAUTHN_RP_ID (else PUBLIC_ORIGIN's host, else `localhost`), and
 *   the origin a response must come from is PUBLIC_ORIGIN (else the request's own origin, which
 *   the Host check keeps to IP literals and localhost names).
 */
@Injectable()
export class SigninPolicy {
  private readonly breakGlass: ReadonlySet<string>;
  readonly rpId: string;

  constructor(
    private readonly config: GatewayConfig,
    private readonly origins: OriginPolicy,
  ) {
    this.breakGlass = new Set(
      (config.OIDC_BREAK_GLASS_USERS ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean)
        .map(normalizeUsername),
    );
    this.rpId =
      config.WEBAUTHN_RP_ID?.toLowerCase() ??
      (origins.publicOrigin ? new URL(origins.publicOrigin).hostname : 'localhost');
  }

  methods(): SigninMethods {
    const c = this.config;
    return {
      password: !c.OIDC_ONLY,
      registration: !c.OIDC_ONLY,
      passkeys: true,
      ...(c.oidcConfigured ? { oidc: { name: c.OIDC_NAME } } : {}),
    };
  }

  /** Registration: 403 when single sign-on only. */
  assertRegistration(): void {
    if (this.config.OIDC_ONLY) throw new ForbiddenException(PASSWORD_SIGNIN_OFF);
  }

  /** Password sign-in: 403 when single sign-on only, unless a break-glass account. */
  assertPasswordSignIn(username: string): void {
    if (this.config.OIDC_ONLY && !this.breakGlass.has(normalizeUsername(username)))
      throw new ForbiddenException(PASSWORD_SIGNIN_OFF);
  }

  /** The relying party of a request (403 when the origin cannot be told). */
  relyingParty(req: IncomingMessage): RelyingParty {
    const origin = this.origins.publicOrigin ?? this.origins.requestOrigin(req);
    if (!origin) throw new ForbiddenException('passkeys need a request with a Host header');
    return { rpId: this.rpId, origin };
  }

  /** Our public origin for a request (redirects of single sign-on). */
  origin(req: IncomingMessage): string | undefined {
    return this.origins.publicOrigin ?? this.origins.requestOrigin(req);
  }
}
