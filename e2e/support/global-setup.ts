import { existsSync } from 'node:fs';
import { join } from 'node:path';
import integrationSetup from '../../test/support/global-setup';
import { repoRoot } from '../../libs/infra/src';
import { chromiumPath } from './browser';

/** Browser tests run the built services and the built web client in Debian's Chromium. */
export default function globalSetup(): void {
  integrationSetup();
  if (!existsSync(join(repoRoot(), 'dist', 'apps', 'web', 'browser', 'index.html'))) {
    throw new Error('Browser tests need the built web client; run `npm run build` (or `npx ng build web`) first.');
  }
  if (!existsSync(chromiumPath())) {
    throw new Error(
      `Browser tests need Chromium at ${chromiumPath()}: \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`,
    );
  }
}
