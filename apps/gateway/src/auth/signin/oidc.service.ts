import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import { RedisClient } from '@hihi/common/redis';
import { GatewayConfig } from '@hihi/config';
import { AuthTokens, OidcIdentity } from '@hihi/contracts';
import { REDIS } from '../../redis/redis.module';

/** How long a started sign-in may take at the provider, seconds. */
const FLOW_TTL_SEC = 600;
/** How long the web app has to pick up the tokens of a finished sign-in, seconds. */
const HANDOFF_TTL_SEC = 60;
export const OIDC_COOKIE = 'hihi_oidc';
export const CALLBACK_PATH = '/api/auth/oidc/callback';

interface Flow {
  verifier: string;
  nonce: string;
  binding: string;
  redirectUri: string;
}

export class OidcFlowError extends Error {
  constructor(
    readonly reason: 'state' | 'provider' | 'claims',
    message: string,
  ) {
    super(message);
  }
}

function sha(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('base64url');
}
function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * OpenID Connect at the gateway (openid-client): discovery, the authorization code flow with PKCE
 * (S256), `state` and `nonce`; the ID token's signature, `iss`, `aud`, `exp` and `nonce` are
 * verified by openid-client. A started flow lives in Redis under its state (so any gateway can
 * finish it) and is bound to the browser that started it by an HttpOnly cookie; it is consumed
 * once (GETDEL). A finished sign-in hands the tokens to the web app through a one-time code.
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger(OidcService.name);
  private discovered?: Promise<oidc.Configuration>;

  constructor(
    private readonly config: GatewayConfig,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {}

  get enabled(): boolean {
    return this.config.oidcConfigured;
  }

  private key(kind: 'flow' | 'handoff', id: string): string {
    return `${this.config.REDIS_PREFIX}:oidc:${kind}:${sha(id)}`;
  }

  /** Discovery once (retried after a failure). */
  private client(): Promise<oidc.Configuration> {
    if (!this.discovered) {
      const c = this.config;
      const insecure = c.OIDC_ISSUER!.startsWith('http://'); // loopback only (config check)
      this.discovered = oidc
        .discovery(
          new URL(c.OIDC_ISSUER!),
          c.OIDC_CLIENT_ID!,
          c.OIDC_CLIENT_SECRET,
          undefined,
          insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
        )
        .catch((err: unknown) => {
          this.discovered = undefined;
          this.logger.warn(`OIDC discovery failed: ${(err as Error).message}`);
          throw new OidcFlowError('provider', 'the identity provider cannot be reached');
        });
    }
    return this.discovered;
  }

  /** Start: the provider's authorization URL, and the browser binding for the cookie. */
  async start(origin: string): Promise<{ url: string; binding: string }> {
    const client = await this.client();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const binding = randomBytes(24).toString('base64url');
    const redirectUri = `${origin}${CALLBACK_PATH}`;
    const flow: Flow = { verifier, nonce, binding, redirectUri };
    await this.redis.set(this.key('flow', state), JSON.stringify(flow), 'EX', FLOW_TTL_SEC);
    const url = oidc.buildAuthorizationUrl(client, {
      redirect_uri: redirectUri,
      scope: this.config.OIDC_SCOPES,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, binding };
  }

  /** The callback: the verified identity, or OidcFlowError. */
  async finish(callbackUrl: URL, binding: string | undefined): Promise<OidcIdentity> {
    const state = callbackUrl.searchParams.get('state');
    if (!state || state.length > 256) throw new OidcFlowError('state', 'missing state');
    const raw = (await this.redis.getdel(this.key('flow', state))) as string | null;
    if (!raw) throw new OidcFlowError('state', 'unknown or used state');
    const flow = JSON.parse(raw) as Flow;
    if (!binding || !same(binding, flow.binding)) throw new OidcFlowError('state', 'state of another browser');
    const client = await this.client();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      // the redirect_uri sent to the token endpoint must be the one of the authorization request
      const current = new URL(flow.redirectUri);
      current.search = callbackUrl.search;
      tokens = await oidc.authorizationCodeGrant(client, current, {
        pkceCodeVerifier: flow.verifier,
        expectedState: state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      this.logger.warn(`OIDC callback refused: ${(err as Error).message}`);
      throw new OidcFlowError('provider', 'the identity provider did not confirm the sign-in');
    }
    const claims = tokens.claims();
    if (!claims?.sub) throw new OidcFlowError('claims', 'the ID token names no subject');
    const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
    return {
      issuer: claims.iss,
      subject: claims.sub,
      preferredUsername: str(claims.preferred_username),
      email: str(claims.email),
      emailVerified: typeof claims.email_verified === 'boolean' ? claims.email_verified : undefined,
      name: str(claims.name),
    };
  }

  /** Keep the tokens for the web app under a one-time code. */
  async handOff(tokens: AuthTokens): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    await this.redis.set(this.key('handoff', code), JSON.stringify(tokens), 'EX', HANDOFF_TTL_SEC);
    return code;
  }

  /** The tokens of a one-time code (once), else undefined. */
  async pickUp(code: string): Promise<AuthTokens | undefined> {
    const raw = (await this.redis.getdel(this.key('handoff', code))) as string | null;
    return raw ? (JSON.parse(raw) as AuthTokens) : undefined;
  }
}
