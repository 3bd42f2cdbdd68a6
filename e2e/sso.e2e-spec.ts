import { freePort } from '@hihi/infra';
import { TestOidcProvider } from '../test/support/oidc';
import { browserSuite } from './support/suite';
import { newPerson, type Person, screenshot, unexpectedErrors, waitForChat } from './support/browser';

/**
 * Single sign-on in Chromium, end to end against a real OpenID Provider (oidc-provider) started
 * on loopback: the "Sign in with …" button, the provider's login and consent pages, back to the
 * chat signed in; a tampered `state` lands on the sign-in page with a message and no session.
 * Nothing may leave loopback: the provider's page asks for a web font, which is refused here.
 */
const env: NodeJS.ProcessEnv = {};
let provider: TestOidcProvider;
beforeAll(async () => {
  provider = new TestOidcProvider(await freePort());
  Object.assign(env, {
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_NAME: 'TestID',
  });
});
const suite = browserSuite({ env });
beforeAll(async () => {
  await provider.start(`${suite.stack.url}/api/auth/oidc/callback`);
}, 30_000);
afterAll(() => provider?.stop(), 10_000);

/** A person whose browser can reach loopback only (everything else is aborted). */
async function loopbackPerson(): Promise<Person> {
  const p = await newPerson(suite.browser(), suite.stack.url);
  await p.context.route(/^https?:\/\/(?!127\.0\.0\.1[:/]|localhost[:/])/, (route) => route.abort());
  return p;
}
const FONT = /fonts\.googleapis\.com|net::ERR_FAILED|Failed to load resource: net::/;

async function atProvider(person: Person, login: string): Promise<string> {
  const { page } = person;
  await page.goto('/login');
  await page.getByRole('link', { name: 'Sign in with TestID' }).click();
  await page.waitForURL(`${provider.issuer}/**`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('anything');
  await page.locator('button[type="submit"]').click();
  await page.getByRole('button', { name: 'Continue' }).waitFor();
  // consent: the next navigation is the provider sending the browser back to our callback
  const back = page.waitForRequest((r) => r.url().includes('/api/auth/oidc/callback'));
  await page.getByRole('button', { name: 'Continue' }).click();
  return (await back).url();
}

it('"Sign in with TestID" → the provider → back in the chat, signed in as the new account', async () => {
  const person = await loopbackPerson();
  await person.page.goto('/login');
  await person.page.getByRole('link', { name: 'Sign in with TestID' }).waitFor();
  await screenshot(person.page, 'login-with-sso-button');
  await atProvider(person, 'sub-e2e:olivia');
  await person.page.waitForURL('**/chat');
  await waitForChat(person.page);
  await person.page.getByText('@olivia').waitFor();
  await person.context.close();
  expect({ errors: unexpectedErrors(person, [FONT]), dialogs: person.dialogs }).toEqual({ errors: [], dialogs: [] });
}, 60_000);

it('a tampered state is refused: back on the sign-in page with a message, not signed in', async () => {
  const person = await loopbackPerson();
  const { page } = person;
  // the provider's way back to our callback is rewritten: one more character in state (the consent
  // POST is answered here with a redirect to the tampered callback; the browser then follows it)
  await person.context.route(`${provider.issuer}/interaction/**`, async (route) => {
    if (route.request().method() !== 'POST' || !route.request().postData()?.includes('prompt=consent'))
      return route.continue();
    const consent = await route.fetch({ maxRedirects: 0 });
    const resume = new URL(consent.headers()['location'], route.request().url()).href;
    const back = await person.context.request.get(resume, { maxRedirects: 0 });
    const callback = new URL(back.headers()['location']);
    callback.searchParams.set('state', `${callback.searchParams.get('state')}x`);
    await route.fulfill({ status: 303, headers: { location: callback.href } });
  });
  await atProvider(person, 'sub-e2e:mallory');
  await page.waitForURL('**/login?ssoError=state');
  await page.getByRole('alert').filter({ hasText: 'Single sign-on did not complete' }).waitFor();
  expect(
    await page.evaluate(() => sessionStorage.getItem('hihi.session') ?? localStorage.getItem('hihi.session')),
  ).toBeNull();
  await person.context.close();
  expect(unexpectedErrors(person, [FONT])).toEqual([]);
}, 60_000);
