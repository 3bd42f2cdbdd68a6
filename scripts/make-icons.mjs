// Renders the PWA icons of the duck 小黄鸭 from apps/web/public/favicon.svg (run once, commit the PNGs):
//   node scripts/make-icons.mjs
import sharp from 'sharp';
import { readFileSync } from 'node:fs';

const svg = readFileSync('apps/web/public/favicon.svg');
const out = 'apps/web/public/icons';
const bg = '#fff9e8'; // --bg of apps/web/src/styles.css

async function icon(size, inset, file) {
  const inner = Math.round(size * inset);
  const duck = await sharp(svg, { density: 1200 }).resize(inner, inner).png().toBuffer();
  await sharp({ create: { width: size, height: size, channels: 4, background: bg } })
    .composite([{ input: duck, gravity: 'center' }])
    .png()
    .toFile(`${out}/${file}`);
}

await icon(192, 0.86, 'duck-192.png');
await icon(512, 0.86, 'duck-512.png');
await icon(180, 0.86, 'apple-touch-icon.png');
// maskable: the duck inside the 80 % safe zone
await icon(512, 0.62, 'duck-maskable-512.png');
