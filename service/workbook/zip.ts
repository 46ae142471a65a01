import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { partTooLarge } from './errors.ts';

/**
 * Just enough of the zip format to read an .xlsx's small parts and scan a sheet's XML as a
 * stream: exceljs' streaming reader ignores <mergeCells> and the workbook's part names, which the
 * import needs. Nothing is held whole but the central directory.
 */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  /** The inflated size the directory claims (checked, never trusted: see check.ts). */
  size: number;
  crc32: number;
  localOffset: number;
}

export type ZipSource = string | Uint8Array;

async function readAt(source: ZipSource, position: number, length: number): Promise<Buffer> {
  if (typeof source !== 'string') return Buffer.from(source.buffer, source.byteOffset + position, Math.max(0, Math.min(length, source.byteLength - position)));
  const fh = await open(source, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, position);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The bytes of a file or of bytes in memory (zip.ts and csv.ts alike). */
export async function sizeOf(source: ZipSource): Promise<number> {
  if (typeof source !== 'string') return source.byteLength;
  const fh = await open(source, 'r');
  try {
    return (await fh.stat()).size;
  } finally {
    await fh.close();
  }
}

export async function readZipDirectory(source: ZipSource): Promise<Map<string, ZipEntry>> {
  const size = await sizeOf(source);
  const tailLength = Math.min(size, 65_557);
  const tail = await readAt(source, size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (.xlsx)');
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff && eocd >= 20 && tail.readUInt32LE(eocd - 20) === 0x07064b50) {
    const z64 = Number(tail.readBigUInt64LE(eocd - 20 + 8));
    const rec = await readAt(source, z64, 56);
    cdSize = Number(rec.readBigUInt64LE(40));
    cdOffset = Number(rec.readBigUInt64LE(48));
  }
  const cd = await readAt(source, cdOffset, cdSize);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  while (p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50) {
    const method = cd.readUInt16LE(p + 10);
    const crc32 = cd.readUInt32LE(p + 16);
    let compressedSize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    let localOffset = cd.readUInt32LE(p + 42);
    const name = cd.toString('utf8', p + 46, p + 46 + nameLength);
    // zip64 sizes and offsets live in the extra field
    let e = p + 46 + nameLength;
    const end = e + extraLength;
    while (e + 4 <= end) {
      const id = cd.readUInt16LE(e);
      const len = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) {
          size = Number(cd.readBigUInt64LE(q));
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = Number(cd.readBigUInt64LE(q));
          q += 8;
        }
        if (localOffset === 0xffffffff) localOffset = Number(cd.readBigUInt64LE(q));
      }
      e += 4 + len;
    }
    entries.set(name, { name, method, compressedSize, size, crc32, localOffset });
    p = end + commentLength;
  }
  return entries;
}

/** Where an entry's compressed bytes start (after its local header). */
async function dataStart(source: ZipSource, entry: ZipEntry): Promise<number> {
  const header = await readAt(source, entry.localOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) throw new Error(`bad zip entry ${entry.name}`);
  const start = entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (start + entry.compressedSize > (await sizeOf(source))) throw new Error(`zip entry ${entry.name} runs past the end of the file`);
  return start;
}

/** An entry's compressed bytes as they are in the file. */
export async function rawEntry(source: ZipSource, entry: ZipEntry): Promise<Buffer> {
  return readAt(source, await dataStart(source, entry), entry.compressedSize);
}

/** The inflated bytes of one entry, as a stream. */
export async function entryStream(source: ZipSource, entry: ZipEntry): Promise<Readable> {
  const start = await dataStart(source, entry);
  const raw =
    typeof source === 'string'
      ? entry.compressedSize > 0
        ? createReadStream(source, { start, end: start + entry.compressedSize - 1 })
        : Readable.from([])
      : Readable.from([Buffer.from(source.buffer, source.byteOffset + start, entry.compressedSize)]);
  if (entry.method === 0) return raw;
  if (entry.method !== 8) throw new Error(`unsupported zip compression ${entry.method}`);
  return raw.pipe(createInflateRaw());
}

/** A small entry as text; it stops inflating, and throws, once past `maxBytes`. */
export async function entryText(source: ZipSource, entry: ZipEntry, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const stream = await entryStream(source, entry);
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
    if (bytes > maxBytes) {
      stream.destroy();
      throw partTooLarge(entry.name, maxBytes);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One entry to write: its compressed bytes as they are, and what they inflate to. */
export interface ZipPart {
  name: string;
  method: number;
  crc32: number;
  data: Buffer;
  size: number;
}

/** A local file header (no `offset`) or a central directory header (at `offset`) for `part`. */
function fileHeader(part: ZipPart, nameLength: number, offset?: number): Buffer {
  const central = offset !== undefined;
  const b = Buffer.alloc(central ? 46 : 30);
  const at = central ? 2 : 0; // a central header has "version made by" before the shared fields
  b.writeUInt32LE(central ? 0x02014b50 : 0x04034b50, 0);
  if (central) b.writeUInt16LE(20, 4);
  b.writeUInt16LE(20, 4 + at);
  b.writeUInt16LE(0x0800, 6 + at); // UTF-8 names; sizes in the header, no data descriptor
  b.writeUInt16LE(part.method, 8 + at);
  b.writeUInt32LE(part.crc32, 14 + at);
  b.writeUInt32LE(part.data.length, 18 + at);
  b.writeUInt32LE(part.size, 22 + at);
  b.writeUInt16LE(nameLength, 26 + at);
  if (central) b.writeUInt32LE(offset, 42);
  return b;
}

/** A zip of the given parts, in this order. */
export function writeZip(parts: ZipPart[]): Buffer {
  const out: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const local = fileHeader(part, name.length);
    out.push(local, name, part.data);
    directory.push(fileHeader(part, name.length, offset), name);
    offset += local.length + name.length + part.data.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(
    directory.reduce((n, b) => n + b.length, 0),
    12,
  );
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...out, ...directory, end]);
}

/**
 * A zip of the given entries alone, in the given order, their compressed bytes copied as they are
 * and their sizes as measured (`sizes`, from check.ts): what exceljs is given to read. Whatever
 * else the file holds (other entries, local headers the directory does not name) is left behind.
 */
export async function rebuildZip(source: ZipSource, entries: ZipEntry[], sizes: Map<string, number>): Promise<Buffer> {
  const parts: ZipPart[] = [];
  for (const entry of entries) {
    parts.push({ name: entry.name, method: entry.method, crc32: entry.crc32, data: await rawEntry(source, entry), size: sizes.get(entry.name) ?? entry.size });
  }
  return writeZip(parts);
}
