import { ForbiddenException } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { ConfigError, GatewayConfig, loadConfig } from '@hihi/config';
import { OriginPolicy } from '../origin-policy';
import { SigninPolicy } from './signin-policy';

const SECRET = 'x'.repeat(40);
function policy(env: Record<string, string>): SigninPolicy {
  const config = loadConfig(GatewayConfig, { JWT_SECRET: SECRET, ...env });
  return new SigninPolicy(config, new OriginPolicy(config));
}
const request = (host: string) => ({ headers: { host }, socket: {} }) as unknown as IncomingMessage;

describe('SigninPolicy', () => {
  it('by default: password and registration on, no SSO; RP id localhost, origin from the request', () => {
    const p = policy({});
    expect(p.methods()).toEqual({ password: true, registration: true, passkeys: true });
    expect(p.relyingParty(request('localhost:3000'))).toEqual({ rpId: 'localhost', origin: 'http://localhost:3000' });
    expect(() => p.assertPasswordSignIn('anyone')).not.toThrow();
  });

  it('RP id and origin follow PUBLIC_ORIGIN, WEBAUTHN_RP_ID wins', () => {
    expect(policy({ PUBLIC_ORIGIN: 'https://chat.example.com' }).relyingParty(request('evil.example'))).toEqual({
      rpId: 'chat.example.com',
      origin: 'https://chat.example.com',
    });
    expect(policy({ PUBLIC_ORIGIN: 'https://chat.example.com', WEBAUTHN_RP_ID: 'example.com' }).rpId).toBe(
      'example.com',
    );
  });

  it('OIDC_ONLY: registration and password sign-in 403, except the break-glass accounts (any case)', () => {
    const p = policy({
      OIDC_ISSUER: 'https://id.example.com',
      OIDC_CLIENT_ID: 'hihi',
      OIDC_ONLY: 'true',
      OIDC_BREAK_GLASS_USERS: 'root, Alice',
      OIDC_NAME: 'Keycloak',
    });
    expect(p.methods()).toEqual({ password: false, registration: false, passkeys: true, oidc: { name: 'Keycloak' } });
    expect(() => p.assertRegistration()).toThrow(ForbiddenException);
    expect(() => p.assertPasswordSignIn('bob')).toThrow(ForbiddenException);
    expect(() => p.assertPasswordSignIn('ALICE')).not.toThrow();
    expect(() => p.assertPasswordSignIn('root')).not.toThrow();
  });

  it('configuration: OIDC settings that do not fit together stop the start with the variable named', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(GatewayConfig, { JWT_SECRET: SECRET, ...env });
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    expect(problems({ OIDC_ISSUER: 'https://id.example.com' })).toEqual([
      'OIDC_CLIENT_ID is required when OIDC_ISSUER is set',
    ]);
    expect(problems({ OIDC_ONLY: 'true' })).toContain('OIDC_ONLY=true needs OIDC_ISSUER and OIDC_CLIENT_ID');
    expect(problems({ OIDC_ISSUER: 'http://id.example.com', OIDC_CLIENT_ID: 'x' })).toEqual([
      'OIDC_ISSUER must be an https:// URL (http:// only on loopback, for tests)',
    ]);
    expect(problems({ OIDC_ISSUER: 'http://127.0.0.1:9999', OIDC_CLIENT_ID: 'x' })).toEqual([]);
    expect(problems({ WEBAUTHN_RP_ID: 'https://x' })[0]).toMatch(/^WEBAUTHN_RP_ID must be a host name/);
    expect(problems({ OIDC_ONLY: 'maybe' })).toContain('OIDC_ONLY must be true or false');
    expect(problems({ OIDC_ONLY: 'false' })).toEqual([]);
    expect(loadConfig(GatewayConfig, { JWT_SECRET: SECRET, OIDC_ONLY: '0' }).OIDC_ONLY).toBe(false);
  });
});
