import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import sharp from 'sharp';
import { Attachment, CLIENT_EVENTS, Message } from '@hihi/contracts';
import { Stack } from '../support/stack';
import { ack, api, Client, connect, makeUser, provision, sleep, TestUser } from './chat-helpers';

const MAX = 1024 * 1024;

/** Every file under a folder (relative paths). */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

/** POST /api/uploads (CRLF boundary, UPLOAD_MAX_BYTES = 1 MiB here) through the real stack. */
describe('uploads (real processes, real PostgreSQL, local storage)', () => {
  const stack = new Stack({ env: { UPLOAD_MAX_BYTES: String(MAX) } });
  const clients: Client[] = [];
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let guest: TestUser;
  let dmId: string;
  let uploadDir: string;

  beforeAll(async () => {
    await stack.start();
    uploadDir = stack.env.UPLOAD_DIR!;
    [alice, bob, carol] = [makeUser(stack), makeUser(stack), makeUser(stack)];
    guest = makeUser(stack, undefined, true);
    await provision(stack, alice, bob, carol, guest);
    dmId = (await api(stack, alice.token, 'POST', '/api/dms', { username: bob.username })).body.id;
  }, 90_000);
  afterAll(async () => {
    for (const c of clients) c.socket.close();
    await stack.stop();
  }, 30_000);

  async function upload(user: TestUser | undefined, bytes: Buffer, name: string) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), name);
    const res = await fetch(`${stack.url}/api/uploads`, {
      method: 'POST',
      headers: user ? { authorization: `Bearer ${user.token}` } : {},
      body: form,
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: body as Attachment & { message?: string; statusCode?: number } };
  }

  async function download(user: TestUser | undefined, url: string) {
    const res = await fetch(`${stack.url}${url}`, {
      headers: user ? { authorization: `Bearer ${user.token}` } : {},
    });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  async function send(user: TestUser, roomId: string, extra: Record<string, unknown>) {
    const c = await connect(stack.url, user.token);
    clients.push(c);
    expect((await ack(c, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);
    const res = await ack(c, CLIENT_EVENTS.messageSend, {
      roomId,
      text: 'see attached',
      clientMsgId: randomUUID(),
      ...extra,
    });
    c.socket.close();
    return res as { ok: boolean; message?: Message; error?: { code: string } };
  }

  const photo = () =>
    sharp({ create: { width: 40, height: 30, channels: 3, background: '#ffcc00' } })
      .jpeg()
      .withExif({ IFD0: { Copyright: 'GPS 31.2304N 121.4737E', Artist: 'secret' } })
      .toBuffer();

  it('upload → message with the attachment → another member downloads it; EXIF is gone', async () => {
    const original = await photo();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const up = await upload(alice, original, '照片 holiday.jpg');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ name: '照片 holiday.jpg', contentType: 'image/jpeg', width: 40, height: 30 });
    expect(up.body.url).toBe(`/api/uploads/${up.body.id}`);

    // before it is attached: only its uploader
    expect((await download(alice, up.body.url)).status).toBe(200);
    expect((await download(bob, up.body.url)).status).toBe(404);

    const sent = await send(alice, dmId, { attachments: [up.body.id] });
    expect(sent.ok).toBe(true);
    expect(sent.message!.attachments).toEqual([
      {
        id: up.body.id,
        name: '照片 holiday.jpg',
        size: up.body.size,
        contentType: 'image/jpeg',
        url: up.body.url,
        width: 40,
        height: 30,
      },
    ]);
    const history = await api(stack, bob.token, 'GET', `/api/rooms/${dmId}/messages`);
    expect(history.body.messages.at(-1).attachments[0].id).toBe(up.body.id);

    const got = await download(bob, up.body.url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/jpeg');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-disposition')).toMatch(/^inline; filename="[^"]*holiday\.jpg"; filename\*=UTF-8''/);
    expect(got.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(got.headers.get('cache-control')).toMatch(/^private/);
    expect(got.bytes.length).toBe(up.body.size);
    const meta = await sharp(got.bytes).metadata();
    expect([meta.width, meta.height, meta.exif]).toEqual([40, 30, undefined]);
    expect(got.bytes.includes(Buffer.from('31.2304N'))).toBe(false);
  });

  it('a DM outsider and a guest cannot download; no token is 401; guests cannot upload', async () => {
    const up = await upload(alice, await photo(), 'dm.jpg');
    expect((await send(alice, dmId, { attachments: [up.body.id] })).ok).toBe(true);
    // a DM of others' file is, to them, no file at all (SPEC §7: 404)
    expect((await download(carol, up.body.url)).status).toBe(404);
    expect((await download(guest, up.body.url)).status).toBe(404);
    expect((await download(undefined, up.body.url)).status).toBe(401);
    expect((await download(bob, '/api/uploads/..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
    expect((await upload(guest, await photo(), 'g.jpg')).status).toBe(403);
    expect((await upload(undefined, await photo(), 'g.jpg')).status).toBe(401);
  });

  it('an upload attaches only to its uploader’s one message (the same send again is fine)', async () => {
    const up = await upload(alice, Buffer.from('plain notes\n'), 'notes.txt');
    expect((await send(bob, dmId, { attachments: [up.body.id] })).error?.code).toBe('validation');
    const clientMsgId = randomUUID();
    const first = await send(alice, dmId, { attachments: [up.body.id], clientMsgId });
    const again = await send(alice, dmId, { attachments: [up.body.id], clientMsgId });
    expect(first.ok && again.ok).toBe(true);
    expect(again.message!.id).toBe(first.message!.id);
    expect((await send(alice, dmId, { attachments: [up.body.id] })).error?.code).toBe('validation');
    expect((await send(alice, dmId, { attachments: ['nope-nope-nope'] })).error?.code).toBe('validation');
  });

  it('deleting a message takes its files: no one can download them and they cannot be attached again', async () => {
    const up = await upload(alice, await photo(), 'regret.jpg');
    const sent = await send(alice, dmId, { attachments: [up.body.id] });
    expect(sent.ok).toBe(true);
    expect((await download(bob, up.body.url)).status).toBe(200);
    const c = await connect(stack.url, alice.token);
    clients.push(c);
    expect((await ack(c, CLIENT_EVENTS.roomJoin, { roomId: dmId })).ok).toBe(true);
    const gone = await ack(c, CLIENT_EVENTS.messageDelete, { roomId: dmId, messageId: sent.message!.id });
    expect(gone.ok).toBe(true);
    expect((gone.message as Message).attachments).toBeUndefined();
    expect((await download(bob, up.body.url)).status).toBe(404);
    expect((await download(alice, up.body.url)).status).toBe(404);
    expect((await send(alice, dmId, { attachments: [up.body.id] })).error?.code).toBe('validation');
  });

  it('spoofed types are refused or made inert: HTML named .png, SVG with script, a GIF/HTML polyglot', async () => {
    const html = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
    expect((await upload(alice, html, 'cat.png')).status).toBe(415);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    expect((await upload(alice, svg, 'logo.svg')).status).toBe(415);
    expect((await upload(alice, svg, 'logo.png')).status).toBe(415);
    expect((await upload(alice, Buffer.from('plain words'), 'page.html')).status).toBe(415);
    expect((await upload(alice, Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 'blob.bin')).status).toBe(415);

    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
      .gif()
      .toBuffer();
    const polyglot = Buffer.concat([gif, Buffer.from('<script>alert(1)</script><html>')]);
    const up = await upload(alice, polyglot, 'poly.gif');
    expect(up.status).toBe(201);
    expect(up.body.contentType).toBe('image/gif');
    const got = await download(alice, up.body.url);
    expect(got.bytes.includes(Buffer.from('<script>'))).toBe(false);

    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n<html><script>alert(1)</script>');
    const doc = await upload(alice, pdf, 'report.pdf');
    expect(doc.status).toBe(201);
    expect(doc.body.contentType).toBe('application/pdf');
    const served = await download(alice, doc.body.url);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('oversized → 413, and nothing is stored', async () => {
    const before = files(uploadDir).length;
    const big = Buffer.alloc(MAX + 1024, 'a');
    const res = await upload(alice, big, 'big.txt');
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413 });
    expect(files(uploadDir)).toHaveLength(before);
  });

  it('a traversal in the file name stores nothing outside the storage (keys are random)', async () => {
    const res = await upload(alice, Buffer.from('harmless text'), '../../../../tmp/evil.txt');
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('evil.txt');
    const stored = files(uploadDir);
    expect(stored.every((f) => /^[A-Za-z0-9_-]\/[A-Za-z0-9_-]{8,128}$/.test(f))).toBe(true);
    expect(stored.some((f) => f.includes('evil'))).toBe(false);
    expect(files(join(uploadDir, '..')).filter((f) => f.includes('evil'))).toEqual([]);
  });

  it('an aborted upload leaves nothing behind', async () => {
    const before = files(uploadDir).length;
    const boundary = '----hihi' + randomUUID();
    await new Promise<void>((resolve) => {
      const req = request(`${stack.url}/api/uploads`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${alice.token}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(512 * 1024),
        },
      });
      req.on('error', () => resolve());
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.txt"\r\n\r\n`);
      req.write(Buffer.alloc(100 * 1024, 'b'));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300);
    });
    await sleep(500);
    expect(files(uploadDir)).toHaveLength(before);
    // the gateway is fine afterwards
    expect((await upload(alice, Buffer.from('still here'), 'ok.txt')).status).toBe(201);
  });
});
