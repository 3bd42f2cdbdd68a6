// A real OpenID Provider for tests (the certified `oidc-provider` package), on loopback only.
// Usage: node test/support/oidc-provider.mjs  with OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
// OIDC_REDIRECT_URI. Its development interactions accept any login (the login is the subject);
// preferred_username is the login too, unless it has the form `<sub>:<preferred_username>`.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: [process.env.OIDC_REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  pkce: { required: () => true },
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email', 'email_verified'] },
  cookies: { keys: ['test-only-cookie-key-0123456789abcdef'] },
  async findAccount(_ctx, id) {
    const [sub, preferred] = id.includes(':') ? id.split(':', 2) : [id, id];
    return {
      accountId: id,
      async claims() {
        return {
          sub,
          preferred_username: preferred,
          name: `Test ${preferred}`,
          email: `${preferred}@example.test`,
          email_verified: true,
        };
      },
    };
  },
});
provider.proxy = false;

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`oidc-provider listening at ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
