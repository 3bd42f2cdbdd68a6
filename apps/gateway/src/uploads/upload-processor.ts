import { TextDecoder } from 'node:util';
import sharp from 'sharp';
import { LIMITS } from '@hihi/contracts';
// file-type 16 is the last CommonJS release (17+ is ESM-only, which jest cannot require)
import { fromBuffer } from 'file-type';

/** Images shown inline (after re-encoding); everything else is served as a download. */
export const INLINE_IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** Types stored as they are (sniffed from the bytes, never taken from the client). */
export const DOCUMENT_TYPES = new Set([
  'application/pdf',
  'application/zip',
  'application/gzip',
  'application/x-7z-compressed',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
  'audio/vnd.wave',
  'video/mp4',
  'video/webm',
  'text/plain',
]);

/** Names whose extension browsers treat as active content: refused whatever the bytes are. */
const ACTIVE_EXTENSION = /\.(s?html?|xht(ml)?|svgz?|xml|xsl|js|mjs|cjs|hta|swf)$/i;

/** Largest image decoded (pixels): a decompression bomb is refused, not rendered. */
const MAX_PIXELS = 50_000_000;

export interface ProcessedUpload {
  body: Buffer;
  contentType: string;
  width?: number;
  height?: number;
}

export class UploadRefused extends Error {
  constructor(
    readonly status: 400 | 415,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The file name as stored and shown: only its last path component, without control, format
 * (bidi) or line-separator characters, NFC, at most LIMITS.uploadNameMax characters; "file"
 * when nothing is left. It is metadata only: storage keys are random.
 */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .trim()
    .replace(/^\.+/, '');
  return [...clean].slice(0, LIMITS.uploadNameMax).join('') || 'file';
}

/** Plain UTF-8 text (no NUL, valid encoding) that does not look like markup. */
function isPlainText(body: Buffer): boolean {
  if (body.includes(0)) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, 64 * 1024));
  } catch {
    return false;
  }
  return !/^\s*</.test(text.replace(/^\ufeff/, ''));
}

/**
 * Decide what an upload really is, from its bytes: images (JPEG, PNG, GIF, WebP) are re-encoded
 * with sharp, which drops every metadata block (EXIF, GPS, XMP, comments) and anything appended
 * to or hidden in the file; the documents of DOCUMENT_TYPES are kept as they are; markup (HTML,
 * SVG, XML), scripts and unknown binaries are refused (415).
 */
export async function processUpload(name: string, body: Buffer): Promise<ProcessedUpload> {
  if (!body.length) throw new UploadRefused(400, 'the file is empty');
  if (ACTIVE_EXTENSION.test(name)) throw new UploadRefused(415, 'HTML, SVG, XML and script files are not accepted');
  const sniffed = await fromBuffer(body);
  const mime = sniffed?.mime ?? (isPlainText(body) ? 'text/plain' : undefined);
  if (mime && INLINE_IMAGE_TYPES.has(mime)) return reencode(body, mime);
  if (mime && DOCUMENT_TYPES.has(mime)) return { body, contentType: mime };
  throw new UploadRefused(415, `this type of file is not accepted${mime ? ` (${mime})` : ''}`);
}

async function reencode(body: Buffer, mime: string): Promise<ProcessedUpload> {
  const animated = mime === 'image/gif' || mime === 'image/webp';
  try {
    let img = sharp(body, { animated, limitInputPixels: MAX_PIXELS, failOn: 'error' });
    if (mime === 'image/jpeg') img = img.rotate().jpeg({ quality: 85 });
    else if (mime === 'image/png') img = img.png();
    else if (mime === 'image/gif') img = img.gif();
    else img = img.webp({ quality: 88 });
    const { data, info } = await img.toBuffer({ resolveWithObject: true });
    const meta = await sharp(data, { animated }).metadata();
    return {
      body: data,
      contentType: mime,
      width: info.width,
      height: meta.pageHeight ?? info.height,
    };
  } catch {
    throw new UploadRefused(415, 'the image could not be read');
  }
}
