import { Secret, TOTP } from 'otpauth';
import { browserSuite } from './support/suite';
import {
  newPerson,
  PASSWORD,
  type Person,
  screenshot,
  scrollWidth,
  uniqueName,
  registerViaApi,
  roomTitle,
  signInViaUi,
  waitForChat,
} from './support/browser';

/**
 * Two-step verification and passkeys in Chromium: enrol TOTP from the security page (QR code drawn
 * locally, recovery codes shown once) and sign in with the second step, at 375 px; enrol a passkey
 * with the DevTools virtual authenticator (WebAuthn.addVirtualAuthenticator) and sign in with it,
 * no username typed. Passkeys need a secure context with a host name: the page is opened at
 * http://localhost:PORT (browsers refuse WebAuthn on IP addresses).
 */
const suite = browserSuite();
const PHONE = { width: 375, height: 740 };

function totp(secret: string, atMs: number): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp: atMs,
  });
}

async function localhostPerson(viewport = { width: 1280, height: 800 }): Promise<Person> {
  const p = await newPerson(suite.browser(), `http://localhost:${suite.stack.gatewayPort}`, { viewport });
  suite.people.push(p);
  return p;
}

it('TOTP: enrol with a local QR code, recovery codes shown once, then the two-step sign-in (375 px)', async () => {
  const account = { username: uniqueName('totp'), password: PASSWORD };
  await registerViaApi(suite.stack.url, account);
  const phone = await newPerson(suite.browser(), suite.stack.url, { viewport: PHONE, isMobile: true, hasTouch: true });
  suite.people.push(phone);
  const { page } = phone;
  const external: string[] = [];
  page.on('request', (r) => {
    if (!/^(http:\/\/(127\.0\.0\.1|localhost)[:/]|data:|blob:)/.test(r.url())) external.push(r.url());
  });
  await signInViaUi(page, account);
  await page.getByRole('button', { name: 'Open room list' }).tap(); // the drawer of the phone layout
  await page.getByRole('link', { name: 'Security' }).click();
  await page.waitForURL('**/security');
  await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
  const qr = page.getByRole('img', { name: 'QR code for two-step verification' });
  await qr.waitFor();
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, 'security-totp-enrol-375');

  const now = Date.now();
  await page.locator('#totp-code').fill(totp(secret, now));
  await page.getByRole('button', { name: 'Turn on', exact: true }).click();
  const codes = page.getByTestId('recovery-codes').locator('li');
  await codes.first().waitFor();
  expect(await codes.count()).toBe(10);
  expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, 'security-recovery-codes-375');
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await page.getByText('Two-step verification is on; 10 recovery codes left').waitFor();
  expect(await codes.count()).toBe(0); // shown once

  // sign out, sign in again: the second step asks for a code
  await page.getByRole('link', { name: /Back to chat/ }).click();
  await waitForChat(page);
  await page.getByRole('button', { name: 'Open room list' }).tap();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/login');
  await page.locator('#login-username').fill(account.username);
  await page.locator('#login-password').fill(account.password);
  await page.locator('form button[type=submit]').first().click();
  await page.locator('#mfa-code').waitFor();
  expect(await page.locator('#login-password').isVisible()).toBe(false);
  expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, 'login-second-step-375');
  await page.locator('#mfa-code').fill('000000' === totp(secret, now + 30_000) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('alert').filter({ hasText: 'That code is wrong' }).waitFor();
  await page.locator('#mfa-code').fill(totp(secret, now + 30_000));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL('**/chat');
  await waitForChat(page);
  expect(external).toEqual([]);
}, 90_000);

it('passkey: enrol from the security page with the virtual authenticator, then sign in with no username', async () => {
  const account = { username: uniqueName('pk'), password: PASSWORD };
  await registerViaApi(suite.stack.url, account);
  const person = await localhostPerson();
  const { page } = person;
  const cdp = await person.context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  await signInViaUi(page, account);
  await page.goto('/security');
  await page.locator('#passkey-name').fill('Chromium laptop');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await page.getByTestId('passkeys').getByText('Chromium laptop').waitFor();
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0].isResidentCredential).toBe(true);
  await screenshot(page, 'security-passkey-added');

  await page.getByRole('link', { name: /Back to chat/ }).click();
  await waitForChat(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/login');
  await screenshot(page, 'login-with-passkey-button');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.waitForURL('**/chat');
  await waitForChat(page);
  await page.getByText(`@${account.username}`).waitFor();
  const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  expect(after.credentials[0].signCount).toBeGreaterThan(0);

  // revoke it
  await page.goto('/security');
  await page.getByRole('button', { name: 'Remove passkey Chromium laptop' }).click();
  await page.getByText('No passkeys yet').waitFor();
}, 90_000);

it('a link to a room opened signed out (a mailed digest, a push) goes on to that room after the sign-in', async () => {
  const account = { username: uniqueName('link'), password: PASSWORD };
  await registerViaApi(suite.stack.url, account);
  const login = await fetch(`${suite.stack.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const name = `digest-${uniqueName('r')}`.slice(0, 30);
  const created = await fetch(`${suite.stack.url}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ name }),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };

  const p = await newPerson(suite.browser(), suite.stack.url);
  suite.people.push(p);
  const { page } = p;
  await page.goto(`/chat?room=${encodeURIComponent(id)}&seq=1`);
  await page.waitForURL('**/login?next=**');
  expect(new URL(page.url()).searchParams.get('next')).toBe(`/chat?room=${id}&seq=1`);
  await page.locator('#login-username').fill(account.username);
  await page.locator('#login-password').fill(account.password);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL(`**/chat?room=${id}**`);
  await waitForChat(page);
  await roomTitle(page).filter({ hasText: name }).waitFor();

  // a next that points elsewhere is not followed
  await page.context().clearCookies();
  await page.evaluate(() => {
    localStorage.clear();
    sessionStorage.clear();
  });
  await page.goto('/login?next=' + encodeURIComponent('//example.com/chat'));
  await page.locator('#login-username').fill(account.username);
  await page.locator('#login-password').fill(account.password);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL('**/chat');
  expect(new URL(page.url()).origin).toBe(new URL(suite.stack.url).origin);
});
