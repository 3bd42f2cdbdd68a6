/**
 * Upload throughput through the real stack (gateway → sniff/re-encode → local storage → chat's
 * PostgreSQL): documents stored as they are, and photos re-encoded by sharp; sequential and 4 at
 * a time; then the download of what was stored. Usage (after npm run build:server and
 * tsc -p bench/tsconfig.json): node dist/bench/bench/upload-probe.js
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { BenchStack } from './lib/stack';

const MiB = 1024 * 1024;

function pdf(size: number): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(size - 9)]);
}

async function photo(width: number, height: number): Promise<Buffer> {
  // noise compresses badly: a realistic camera-sized JPEG
  const raw = randomBytes(width * height * 3);
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .withExif({ IFD0: { Artist: 'bench' } })
    .toBuffer();
}

async function upload(url: string, token: string, body: Buffer, name: string): Promise<{ id: string; url: string }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(body)]), name);
  const res = await fetch(`${url}/api/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  if (res.status !== 201) throw new Error(`upload → ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; url: string };
}

async function run(
  label: string,
  files: Buffer[],
  concurrency: number,
  fn: (b: Buffer, i: number) => Promise<unknown>,
): Promise<void> {
  const bytes = files.reduce((a, b) => a + b.length, 0);
  const times: number[] = [];
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < files.length) {
        const i = next++;
        const t = performance.now();
        await fn(files[i], i);
        times.push(performance.now() - t);
      }
    }),
  );
  const sec = (performance.now() - t0) / 1000;
  times.sort((a, b) => a - b);
  process.stdout.write(
    `${label.padEnd(44)} ${String(files.length).padStart(3)} files ${(bytes / MiB).toFixed(1).padStart(6)} MiB  ` +
      `${(bytes / MiB / sec).toFixed(1).padStart(6)} MiB/s  p50 ${times[Math.floor(times.length / 2)].toFixed(0)} ms\n`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hihi-uploadprobe-'));
  const stack = await new BenchStack({
    env: { UPLOAD_DIR: join(dir, 'uploads'), UPLOAD_MAX_BYTES: String(64 * MiB), REGISTER_RATE_LIMIT: '1000' },
  }).start();
  try {
    const reg = await fetch(`${stack.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `up_${randomBytes(3).toString('hex')}`, password: 'correct horse battery' }),
    });
    if (reg.status !== 201) throw new Error(`register → ${reg.status}`);
    const { accessToken } = (await reg.json()) as { accessToken: string };
    const up = (b: Buffer, name: string) => upload(stack.url, accessToken, b, name);

    const small = Array.from({ length: 20 }, () => pdf(1 * MiB));
    const large = Array.from({ length: 8 }, () => pdf(20 * MiB));
    const photos = await Promise.all(Array.from({ length: 8 }, () => photo(2000, 1500)));
    process.stdout.write(`photo: 2000×1500 JPEG, ${(photos[0].length / MiB).toFixed(2)} MiB each\n`);
    await up(small[0], 'warm.pdf');
    const stored: string[] = [];
    await run('1 MiB PDFs (stored as is), one at a time', small, 1, (b, i) => up(b, `s${i}.pdf`));
    await run('1 MiB PDFs, 4 at a time', small, 4, (b, i) => up(b, `s${i}.pdf`));
    await run('20 MiB PDFs, one at a time', large, 1, async (b, i) => stored.push((await up(b, `l${i}.pdf`)).url));
    await run('20 MiB PDFs, 4 at a time', large, 4, (b, i) => up(b, `l${i}.pdf`));
    await run('JPEG photos (re-encoded by sharp), one at a time', photos, 1, (b, i) => up(b, `p${i}.jpg`));
    await run('JPEG photos, 4 at a time', photos, 4, (b, i) => up(b, `p${i}.jpg`));
    await run('download 20 MiB (uploader), one at a time', large, 1, async (_b, i) => {
      const res = await fetch(`${stack.url}${stored[i]}`, { headers: { authorization: `Bearer ${accessToken}` } });
      await res.arrayBuffer();
    });
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
