import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { LocalUploadStorage, newStorageKey, S3Sender, S3UploadStorage, STORAGE_KEY_PATTERN } from './upload-storage';

async function read(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString();
}

describe('storage keys', () => {
  it('are random and match the key pattern', () => {
    const a = newStorageKey();
    expect(a).toMatch(STORAGE_KEY_PATTERN);
    expect(newStorageKey()).not.toBe(a);
  });
});

describe('LocalUploadStorage', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hihi-storage-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('puts, gets and deletes by key, leaving no temporary file', async () => {
    const storage = new LocalUploadStorage(dir);
    const key = newStorageKey();
    await storage.put(key, Buffer.from('hello'));
    expect(await read(await storage.get(key))).toBe('hello');
    expect(readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('.tmp-'))).toEqual([]);
    await storage.delete(key);
    await expect(storage.get(key)).rejects.toThrow();
    await storage.delete(key); // missing: fine
  });

  it('refuses keys that are not storage keys (no paths, ever)', async () => {
    const storage = new LocalUploadStorage(dir);
    for (const key of ['../../etc/passwd', 'a/b', '', 'short', '..%2F..', 'x'.repeat(200)]) {
      await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow('invalid storage key');
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('S3UploadStorage (a fake S3 client)', () => {
  const objects = new Map<string, { body: Buffer; type?: string }>();
  const sent: string[] = [];
  const fake: S3Sender = {
    send: (command) => {
      const input = command.input as { Bucket: string; Key: string; Body?: Buffer; ContentType?: string };
      sent.push(`${command.constructor.name} ${input.Bucket}/${input.Key}`);
      if (command instanceof PutObjectCommand) {
        objects.set(input.Key, { body: input.Body!, type: input.ContentType });
        return Promise.resolve({});
      }
      if (command instanceof GetObjectCommand) {
        const o = objects.get(input.Key);
        if (!o) return Promise.reject(Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' }));
        return Promise.resolve({ Body: Readable.from([o.body]) });
      }
      if (command instanceof DeleteObjectCommand) {
        objects.delete(input.Key);
        return Promise.resolve({});
      }
      return Promise.reject(new Error('unexpected command'));
    },
  };

  it('puts with the content type, streams the body back, deletes, in its bucket', async () => {
    const storage = new S3UploadStorage(fake, 'hihi-uploads');
    const key = newStorageKey();
    await storage.put(key, Buffer.from('bytes'), 'application/pdf');
    expect(objects.get(key)?.type).toBe('application/pdf');
    expect(await read(await storage.get(key))).toBe('bytes');
    await storage.delete(key);
    await expect(storage.get(key)).rejects.toThrow('NoSuchKey');
    expect(sent).toEqual([
      `PutObjectCommand hihi-uploads/${key}`,
      `GetObjectCommand hihi-uploads/${key}`,
      `DeleteObjectCommand hihi-uploads/${key}`,
      `GetObjectCommand hihi-uploads/${key}`,
    ]);
  });

  it('refuses keys that are not storage keys before any request', async () => {
    const storage = new S3UploadStorage(fake, 'b');
    sent.length = 0;
    await expect(storage.put('../x', Buffer.from('x'), 'text/plain')).rejects.toThrow('invalid storage key');
    expect(sent).toEqual([]);
  });
});
