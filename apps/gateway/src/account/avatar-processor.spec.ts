import sharp from 'sharp';
import { AVATAR } from '@hihi/contracts';
import { AvatarRefused, processAvatar } from './avatar-processor';

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => (e instanceof AvatarRefused ? e.status : e),
  );

describe('processAvatar', () => {
  it('makes a square WebP of AVATAR.sizePx without metadata, hashed per owner', async () => {
    const jpeg = await sharp({ create: { width: 900, height: 300, channels: 3, background: '#ffcc00' } })
      .jpeg()
      .withExif({ IFD0: { Copyright: 'marker-123' } })
      .toBuffer();
    const a = await processAvatar('u1', jpeg);
    const meta = await sharp(a.body).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif]).toEqual([
      'webp',
      AVATAR.sizePx,
      AVATAR.sizePx,
      undefined,
    ]);
    expect(a.body.includes(Buffer.from('marker-123'))).toBe(false);
    expect(a.hash).toMatch(/^[a-f0-9]{32}$/);
    expect((await processAvatar('u2', jpeg)).hash).not.toBe(a.hash);
  });

  it('refuses what is not an image (415), nothing (400) and too many pixels (413)', async () => {
    expect(await refusal(processAvatar('u', Buffer.from('<svg onload=alert(1)>')))).toBe(415);
    expect(await refusal(processAvatar('u', Buffer.alloc(0)))).toBe(400);
    const huge = await sharp({ create: { width: 7000, height: 6000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(await refusal(processAvatar('u', huge))).toBe(413);
  });
});
