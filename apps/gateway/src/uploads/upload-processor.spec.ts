import sharp from 'sharp';
import { cleanFileName, processUpload, UploadRefused } from './upload-processor';

describe('cleanFileName', () => {
  it('keeps only the last path component, without control or bidi characters', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('C:\\Users\\me\\photo.jpg')).toBe('photo.jpg');
    expect(cleanFileName('invoice\u202egnp.exe')).toBe('invoicegnp.exe');
    expect(cleanFileName('a\u0000b\nc.txt')).toBe('abc.txt');
    expect(cleanFileName('...hidden')).toBe('hidden');
    expect(cleanFileName('照片.jpg')).toBe('照片.jpg');
    expect(cleanFileName('')).toBe('file');
    expect(cleanFileName(undefined)).toBe('file');
    expect([...cleanFileName('长'.repeat(400))]).toHaveLength(255);
  });
});

describe('processUpload', () => {
  const refused = async (name: string, body: Buffer) => {
    const err = await processUpload(name, body).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadRefused);
    return (err as UploadRefused).status;
  };

  it('re-encodes a JPEG without its EXIF and answers its size', async () => {
    const jpeg = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#f00' } })
      .jpeg()
      .withExif({ IFD0: { Artist: 'someone' } })
      .toBuffer();
    const out = await processUpload('x.jpg', jpeg);
    expect(out).toMatchObject({ contentType: 'image/jpeg', width: 20, height: 10 });
    expect((await sharp(out.body).metadata()).exif).toBeUndefined();
  });

  it('sniffs the type from the bytes, not the name', async () => {
    const png = await sharp({ create: { width: 2, height: 2, channels: 4, background: '#0000' } })
      .png()
      .toBuffer();
    expect((await processUpload('not-a.pdf', png)).contentType).toBe('image/png');
    expect((await processUpload('notes', Buffer.from('héllo\n'))).contentType).toBe('text/plain');
    expect((await processUpload('doc.txt', Buffer.from('%PDF-1.4\n%%EOF'))).contentType).toBe('application/pdf');
  });

  it('refuses markup, scripts, unknown binaries and broken images (415), empty files (400)', async () => {
    expect(await refused('a.png', Buffer.from('<html><script>x</script></html>'))).toBe(415);
    expect(await refused('a.txt', Buffer.from('\ufeff  <svg onload="x()"/>'))).toBe(415);
    expect(await refused('a.svg', Buffer.from('just text'))).toBe(415);
    expect(await refused('a.js', Buffer.from('alert(1)'))).toBe(415);
    expect(await refused('a.bin', Buffer.from([0, 1, 2, 3, 255, 254]))).toBe(415);
    const brokenPng = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40)]);
    expect(await refused('b.png', brokenPng)).toBe(415);
    expect(await refused('empty.txt', Buffer.alloc(0))).toBe(400);
  });
});
