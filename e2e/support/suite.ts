import type { Browser } from 'playwright-core';
import { Stack, StackOptions } from '../../test/support/stack';
import {
  type Account,
  launchBrowser,
  newPerson,
  type Person,
  PASSWORD,
  registerViaApi,
  uniqueName,
  unexpectedErrors,
} from './browser';

export interface BrowserSuite {
  readonly stack: Stack;
  /** the people (browser contexts) of the running test; closed and checked after each test */
  readonly people: Person[];
  readonly browser: () => Browser;
  /** a new person (own browser context) for this test */
  person(locale?: string): Promise<Person>;
  /** an account registered through the API, ready to sign in */
  account(prefix: string, displayName?: string): Promise<Account>;
}

/**
 * The set-up every browser spec shares: a private stack and one Chromium for the file; after each
 * test every person's context is closed and must have seen no unexpected error or dialog.
 */
export function browserSuite(opts: StackOptions = {}): BrowserSuite {
  const stack = new Stack(opts);
  const people: Person[] = [];
  let browser: Browser | undefined;

  beforeAll(async () => {
    await stack.start();
    browser = await launchBrowser();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack.stop();
  }, 30_000);

  afterEach(async () => {
    const seen = people.splice(0);
    for (const p of seen) await p.context.close();
    for (const p of seen)
      expect({ errors: unexpectedErrors(p), dialogs: p.dialogs }).toEqual({ errors: [], dialogs: [] });
  });

  return {
    stack,
    people,
    browser: () => browser!,
    async person(locale = 'en-US') {
      const p = await newPerson(browser!, stack.url, { locale });
      people.push(p);
      return p;
    },
    async account(prefix, displayName) {
      const account: Account = { username: uniqueName(prefix), password: PASSWORD, displayName };
      await registerViaApi(stack.url, account);
      return account;
    },
  };
}
