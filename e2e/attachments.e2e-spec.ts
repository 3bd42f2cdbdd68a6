import sharp from 'sharp';
import {
  newPerson,
  onFailureSave,
  roomTitle,
  screenshot,
  scrollWidth,
  signInViaUi,
  UI_TIMEOUT,
} from './support/browser';
import { browserSuite } from './support/suite';

/** A soft yellow picture with a pink dot, as PNG bytes. */
function picture(width: number, height: number, dot: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#ffe98f"/>
    <circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 3}" fill="${dot}"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Pictures and files (issue 14): picker, paste and drop, progress, send, thumbnail, lightbox, download. */
describe('web client: attachments (browser)', () => {
  const suite = browserSuite();
  const { stack, people } = suite;

  it(
    'attaches by picker, paste and drop, shows progress, sends; the other person sees a thumbnail, opens the lightbox and downloads the file',
    () =>
      onFailureSave(
        'attachments',
        () => people,
        stack,
        async () => {
          const alice = await suite.account('att_a', 'Alice');
          const bob = await suite.account('att_b', 'Bob');
          const a = await suite.person('en-US');
          const b = await suite.person('zh-CN');
          await signInViaUi(a.page, alice);
          await signInViaUi(b.page, bob);
          // both start in the lobby (Bob reads the Chinese interface)
          expect((await roomTitle(a.page).textContent())?.trim()).toBe('Lobby');
          expect((await roomTitle(b.page).textContent())?.trim()).toBe('大厅');

          // 1. the picker (the hidden file input behind the paperclip)
          expect(await a.page.locator('.composer__attach').isVisible()).toBe(true);
          await a.page.locator('.composer__picker').setInputFiles({
            name: 'duck-picked.png',
            mimeType: 'image/png',
            buffer: await picture(800, 400, '#f472a0'),
          });
          // 2. paste an image from the clipboard into the box
          const pasted = (await picture(300, 300, '#ffb4c8')).toString('base64');
          await a.page.evaluate((b64) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
            const box = document.querySelector('#composer-box')!;
            box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
          }, pasted);
          // 3. drop a text file onto the chat
          await a.page.evaluate(() => {
            const dt = new DataTransfer();
            dt.items.add(new File(['quack notes\n'], 'notes.txt', { type: 'text/plain' }));
            const main = document.querySelector('main.main')!;
            main.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
            main.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
          });
          const files = a.page.locator('.files .file');
          await a.page.waitForFunction(() => document.querySelectorAll('.files .file--done').length === 3, null, {
            timeout: UI_TIMEOUT,
          });
          expect(await files.locator('.file__name bdi').allTextContents()).toEqual([
            'duck-picked.png',
            'pasted.png',
            'notes.txt',
          ]);
          expect(
            await files.locator('progress').evaluateAll((bars) => bars.map((p) => (p as HTMLProgressElement).value)),
          ).toEqual([100, 100, 100]);
          expect(await a.page.locator('.files [role="alert"]').count()).toBe(0);
          await screenshot(a.page, 'attachments-pending');

          const text = `look at the duck ${Date.now().toString(36)}`;
          await a.page.locator('#composer-box').fill(text);
          await a.page.locator('#composer-box').press('Enter');
          await a.page.locator('.files').waitFor({ state: 'detached' });
          const mine = a.page.locator('article.msg--mine', { hasText: text });
          await mine.locator('.thumb img').first().waitFor();

          // the other person: thumbnails from blob: URLs with their names as alt, space reserved
          const row = b.page.locator('article.msg', { hasText: text });
          await row.waitFor({ timeout: UI_TIMEOUT });
          const imgs = row.locator('.thumb img');
          await imgs.nth(1).waitFor();
          await b.page.waitForFunction(
            (t) =>
              Array.from(document.querySelectorAll('article.msg'))
                .filter((el) => el.textContent?.includes(t))
                .flatMap((el) => Array.from(el.querySelectorAll<HTMLImageElement>('.thumb img')))
                .every((img) => img.complete && img.naturalWidth > 0),
            text,
            { timeout: UI_TIMEOUT },
          );
          expect(await imgs.evaluateAll((els) => els.map((i) => (i as HTMLImageElement).src.slice(0, 5)))).toEqual([
            'blob:',
            'blob:',
          ]);
          expect(await imgs.evaluateAll((els) => els.map((i) => (i as HTMLImageElement).alt))).toEqual([
            'duck-picked.png',
            'pasted.png',
          ]);
          expect(await imgs.first().evaluate((i) => [i.getAttribute('width'), i.getAttribute('height')])).toEqual([
            '240',
            '120',
          ]);
          const chip = row.locator('.file-chip');
          expect(await chip.textContent()).toContain('notes.txt');
          await screenshot(b.page, 'attachments-timeline');

          // the lightbox: a click opens it, Esc closes it; the keyboard opens it too, a click closes it
          const dialog = row.locator('dialog.lightbox').first();
          await row.locator('.thumb').first().click();
          await dialog.locator('img').waitFor();
          expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
          expect(await dialog.locator('img').getAttribute('alt')).toBe('duck-picked.png');
          await screenshot(b.page, 'attachments-lightbox');
          await b.page.keyboard.press('Escape');
          await b.page.waitForFunction(() => !document.querySelector('dialog.lightbox[open]'));
          await row.locator('.thumb').first().focus();
          await b.page.keyboard.press('Enter');
          await dialog.locator('img').waitFor();
          await dialog.locator('img').click();
          await b.page.waitForFunction(() => !document.querySelector('dialog.lightbox[open]'));

          // the file downloads under its name
          const [download] = await Promise.all([b.page.waitForEvent('download'), chip.click()]);
          expect(download.suggestedFilename()).toBe('notes.txt');

          // 375 px on a phone: the thumbnails fit, nothing scrolls sideways, the lightbox fits
          const phone = await newPerson(suite.browser(), stack.url, {
            locale: 'zh-CN',
            viewport: { width: 375, height: 667 },
            isMobile: true,
            hasTouch: true,
            deviceScaleFactor: 2,
          });
          people.push(phone);
          await signInViaUi(phone.page, bob);
          const phoneRow = phone.page.locator('article.msg', { hasText: text });
          await phoneRow.locator('.thumb img').nth(1).waitFor();
          await phoneRow.locator('.file-chip').scrollIntoViewIfNeeded();
          expect(await scrollWidth(phone.page)).toBeLessThanOrEqual(375);
          const thumbBox = await phoneRow.locator('.thumb').first().boundingBox();
          expect(thumbBox!.x + thumbBox!.width).toBeLessThanOrEqual(375);
          await screenshot(phone.page, 'attachments-375');
          await phoneRow.locator('.thumb').first().tap();
          const phoneDialog = phoneRow.locator('dialog.lightbox').first();
          await phoneDialog.locator('img').waitFor();
          const dialogBox = await phoneDialog.boundingBox();
          expect(dialogBox!.width).toBeLessThanOrEqual(375);
          await screenshot(phone.page, 'attachments-375-lightbox');
        },
      ),
    120_000,
  );

  it(
    'shows a refused file (markup named .png) per file in words, cancels a file, and gives guests no attach button',
    () =>
      onFailureSave(
        'attachments-refused',
        () => people,
        stack,
        async () => {
          const carol = await suite.account('att_c');
          const c = await suite.person('en-US');
          await signInViaUi(c.page, carol);
          await c.page.locator('.composer__picker').setInputFiles([
            { name: 'innocent.png', mimeType: 'image/png', buffer: Buffer.from('<html><script>alert(1)</script>') },
            { name: 'fine.png', mimeType: 'image/png', buffer: await picture(40, 40, '#f472a0') },
          ]);
          const refused = c.page.locator('.files .file--error');
          await refused.waitFor();
          expect(await refused.locator('bdi').textContent()).toBe('innocent.png');
          expect(await refused.locator('[role="alert"]').textContent()).toContain('This type of file is not allowed');
          await c.page.locator('.files .file--done').waitFor();
          await screenshot(c.page, 'attachments-refused');
          // removing the refused one leaves the good one, which is sent with the names as text
          await refused.locator('.file__remove').click();
          await c.page.locator('#composer-box').press('Enter');
          await c.page.locator('.files').waitFor({ state: 'detached' });
          const sent = c.page.locator('article.msg--mine', { hasText: 'fine.png' });
          await sent.locator('.thumb img').waitFor();
          expect(await sent.locator('.thumb img').getAttribute('alt')).toBe('fine.png');
          expect(c.httpErrors.filter((e) => e.startsWith('415 POST /api/uploads'))).toHaveLength(1);
          // the browser logs the refused upload as a failed resource: that one is expected
          c.errors.splice(
            0,
            c.errors.length,
            ...c.errors.filter((e) => !/status of 415 \(Unsupported Media Type\)/.test(e)),
          );

          const guest = await suite.person('en-US');
          await guest.page.goto('/login');
          await guest.page.getByRole('button', { name: 'Chat with the duck as a guest' }).click();
          await guest.page.locator('#composer-box:not([disabled])').waitFor();
          expect(await guest.page.locator('.composer__attach').count()).toBe(0);
        },
      ),
    90_000,
  );
});
