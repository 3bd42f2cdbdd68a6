import { createHash } from 'node:crypto';
import sharp from 'sharp';
// file-type 16 is the last CommonJS release (17+ is ESM-only, which jest cannot require)
import { fromBuffer } from 'file-type';
import { AVATAR } from '@hihi/contracts';

/** Images accepted as avatars (sniffed from the bytes, never taken from the client). */
const AVATAR_INPUT_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export class AvatarRefused extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

export interface ProcessedAvatar {
  /** a square WebP of AVATAR.sizePx, no metadata */
  body: Buffer;
  /** 32 hex digits: SHA-256 of the owner's id and the WebP (a new image, a new URL) */
  hash: string;
}

/**
 * An avatar from untrusted bytes: the type is sniffed (JPEG, PNG, GIF, WebP; else 415), the
 * header's dimensions are checked before anything is decoded (a decompression bomb is 413, never
 * rendered; sharp's limitInputPixels backs this up), then the first frame is auto-rotated,
 * cropped to a centred square of AVATAR.sizePx and re-encoded as WebP — which drops every
 * metadata block (EXIF, GPS, XMP, ICC comments) and anything appended to the file.
 */
export async function processAvatar(ownerId: string, input: Buffer): Promise<ProcessedAvatar> {
  if (!input.length) throw new AvatarRefused(400, 'the file is empty');
  const sniffed = await fromBuffer(input);
  if (!sniffed || !AVATAR_INPUT_TYPES.has(sniffed.mime))
    throw new AvatarRefused(415, 'an avatar must be a JPEG, PNG, GIF or WebP image');
  let width: number | undefined;
  let height: number | undefined;
  try {
    // the header only: no pixel is decoded here, so no limit (the size is checked just below)
    ({ width, height } = await sharp(input, { animated: false, limitInputPixels: false }).metadata());
  } catch {
    throw new AvatarRefused(415, 'the image could not be read');
  }
  if (!width || !height) throw new AvatarRefused(415, 'the image could not be read');
  if (width * height > AVATAR.maxInputPixels)
    throw new AvatarRefused(413, `the image has too many pixels (at most ${AVATAR.maxInputPixels})`);
  let body: Buffer;
  try {
    body = await sharp(input, { animated: false, limitInputPixels: AVATAR.maxInputPixels, failOn: 'error' })
      .rotate()
      .resize(AVATAR.sizePx, AVATAR.sizePx, { fit: 'cover', position: 'centre' })
      .webp({ quality: 82 })
      .toBuffer();
  } catch {
    throw new AvatarRefused(415, 'the image could not be read');
  }
  const hash = createHash('sha256').update(ownerId).update('\u0000').update(body).digest('hex').slice(0, 32);
  return { body, hash };
}

/** The storage key of an avatar (UploadStorage's key rule: letters, digits, `-`). */
export function avatarStorageKey(hash: string): string {
  return `avatar-${hash}`;
}
