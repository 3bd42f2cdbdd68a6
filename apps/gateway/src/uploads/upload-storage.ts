import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

/** Storage keys are random (newStorageKey): never a user's file name, never a path. */
export const STORAGE_KEY_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;

export function newStorageKey(): string {
  return randomBytes(24).toString('base64url');
}

function checkKey(key: string): void {
  if (!STORAGE_KEY_PATTERN.test(key)) throw new Error('invalid storage key');
}

/** Where uploads' bytes live: one interface, a local folder by default, S3-compatible by configuration. */
export abstract class UploadStorage {
  abstract put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The bytes as a stream; rejects when the object is missing. */
  abstract get(key: string): Promise<Readable>;
  /** Deleting a missing object is not an error. */
  abstract delete(key: string): Promise<void>;
}

/**
 * A folder (UPLOAD_DIR). Objects are written to a temporary name and renamed into place, so a
 * failed or interrupted write leaves no partial file under a key; keys spread over 64 sub-folders.
 */
export class LocalUploadStorage extends UploadStorage {
  private readonly root: string;

  constructor(dir: string) {
    super();
    this.root = resolve(dir);
  }

  /** The file of a key, checked to stay inside the root. */
  private path(key: string): string {
    checkKey(key);
    const p = join(this.root, key.slice(0, 1), key);
    if (!p.startsWith(this.root + sep)) throw new Error('invalid storage key');
    return p;
  }

  async put(key: string, body: Buffer): Promise<void> {
    const path = this.path(key);
    await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
    const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await writeFile(tmp, body, { mode: 0o600, flag: 'wx' });
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  get(key: string): Promise<Readable> {
    const stream = createReadStream(this.path(key));
    return new Promise((ok, fail) => {
      stream.once('open', () => ok(stream));
      stream.once('error', fail);
    });
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}

/** The part of S3Client this storage uses (a fake in unit tests). */
export interface S3Sender {
  send(command: PutObjectCommand | GetObjectCommand | DeleteObjectCommand): Promise<unknown>;
}

export interface S3Settings {
  bucket: string;
  region: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

export function s3Client(s: S3Settings): S3Client {
  return new S3Client({
    region: s.region,
    ...(s.endpoint ? { endpoint: s.endpoint, forcePathStyle: true } : {}),
    ...(s.accessKeyId && s.secretAccessKey
      ? { credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } }
      : {}),
  });
}

/** S3-compatible object storage (AWS S3, MinIO, …) through @aws-sdk/client-s3; objects are private. */
export class S3UploadStorage extends UploadStorage {
  constructor(
    private readonly client: S3Sender,
    private readonly bucket: string,
  ) {
    super();
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    checkKey(key);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ContentLength: body.length,
      }),
    );
  }

  async get(key: string): Promise<Readable> {
    checkKey(key);
    const out = (await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))) as {
      Body?: unknown;
    };
    if (out.Body instanceof Readable) return out.Body;
    throw new Error('the object has no body');
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}
