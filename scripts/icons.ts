// Draws the add-in's ribbon and store icons (a ledger on a teal tile) as PNGs with plain zlib.
// Run: node --import tsx scripts/icons.ts   (writes addin/public/assets/icon-{16,32,64,80}.png)
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const iconSizes = [16, 32, 64, 80] as const;

type Rgba = readonly [number, number, number, number];
const tile: Rgba = [0x0f, 0x6c, 0x5a, 0xff];
const page: Rgba = [0xff, 0xff, 0xff, 0xff];
const rule: Rgba = [0x0f, 0x6c, 0x5a, 0xff];
const margin: Rgba = [0xd1, 0x34, 0x38, 0xff];
const clear: Rgba = [0, 0, 0, 0];

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes an RGBA pixel grid as a PNG (8-bit, colour type 6, no filtering). */
export function encodePng(size: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 4 + 1);
    raw[row] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** A rounded teal tile holding a white ledger page with ruled lines and a red margin. */
export function ledgerIcon(size: number): Buffer {
  const u = size / 16;
  const radius = Math.max(1, Math.round(3 * u));
  const inCorner = (x: number, y: number) => {
    const cx = x < radius ? radius : x >= size - radius ? size - radius - 1 : x;
    const cy = y < radius ? radius : y >= size - radius ? size - radius - 1 : y;
    return (x - cx) ** 2 + (y - cy) ** 2 > radius * radius;
  };
  const p0 = Math.round(3 * u);
  const p1 = size - p0;
  const line = Math.max(1, Math.round(u));
  const gap = Math.max(2, Math.round(2.5 * u));
  const marginX = p0 + Math.max(1, Math.round(2 * u));
  return encodePng(size, (x, y) => {
    if (inCorner(x, y)) return clear;
    if (x < p0 || x >= p1 || y < p0 || y >= p1) return tile;
    if (x >= marginX && x < marginX + line) return margin;
    const fromTop = y - p0 - gap;
    if (fromTop >= 0 && fromTop % gap < line && y < p1 - line) return rule;
    return page;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'addin', 'public', 'assets');
  mkdirSync(out, { recursive: true });
  for (const size of iconSizes) {
    const file = join(out, `icon-${size}.png`);
    writeFileSync(file, ledgerIcon(size));
    process.stderr.write(`${file}\n`);
  }
}
