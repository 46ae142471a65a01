import { entryStream, type ZipEntry, type ZipSource } from './zip.ts';
import { cellTooLong, partTooLarge, ratioTooHigh, tooMany, totalTooLarge, type WorkbookError } from './errors.ts';
import { ratioFloorBytes, type WorkbookLimits } from './limits.ts';

/** What a part is, for its limits. */
export type PartRole = 'sheet' | 'sharedStrings' | 'small';

/** Elements counted while a part streams by, each with its limit. */
interface Counted {
  name: string;
  limit: number;
  what: { ko: string; en: string };
}

const counted: Record<PartRole, Counted[]> = {
  sheet: [
    { name: 'row', limit: 0, what: { ko: '행', en: 'rows' } },
    { name: 'c', limit: 0, what: { ko: '셀', en: 'cells' } },
  ],
  sharedStrings: [{ name: 'si', limit: 0, what: { ko: '공유 문자열', en: 'shared strings' } }],
  small: [],
};

const limitOf = (name: string, limits: WorkbookLimits) => (name === 'row' ? limits.maxRows : name === 'c' ? limits.maxCells : limits.maxSharedStrings);
const capOf = (role: PartRole, limits: WorkbookLimits) =>
  role === 'sheet' ? limits.maxSheetBytes : role === 'sharedStrings' ? limits.maxSharedStringBytes : limits.maxSmallPartBytes;

const lt = 0x3c;
const nameEnds = new Set([0x20, 0x09, 0x0a, 0x0d, 0x3e, 0x2f]); // space, tab, LF, CR, '>', '/'

/**
 * Scans XML bytes as they inflate, with no parser and nothing kept: counts the opening tags of the
 * given names (any namespace prefix) and measures every stretch between two '<', so a cell of
 * gigabytes, or gigabytes of whitespace between two tags, is refused at its limit.
 */
export class XmlScan {
  private stretch = 0;
  private carry: Buffer | undefined;
  readonly counts = new Map<string, number>();

  constructor(
    private readonly part: string,
    private readonly names: { name: string; limit: number; what: { ko: string; en: string } }[],
    private readonly maxStretch: number,
  ) {}

  write(chunk: Buffer): void {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    let pos = 0;
    for (;;) {
      const at = buf.indexOf(lt, pos);
      const end = at < 0 ? buf.length : at;
      this.stretch += end - pos;
      if (this.stretch > this.maxStretch) throw cellTooLong(this.part, this.maxStretch);
      if (at < 0) return;
      // A tag name may be cut by the chunk's end: keep its start for the next chunk.
      if (this.names.length > 0 && buf.length - at < 64) {
        let j = at + 1;
        while (j < buf.length && !nameEnds.has(buf[j] as number)) j++;
        if (j === buf.length) {
          this.carry = Buffer.from(buf.subarray(at));
          this.stretch = 0;
          return;
        }
      }
      this.stretch = 0;
      if (this.names.length > 0) this.tag(buf, at + 1);
      pos = at + 1;
    }
  }

  private tag(buf: Buffer, start: number): void {
    const first = buf[start];
    if (first === 0x2f || first === 0x3f || first === 0x21) return; // </…, <?…, <!…
    let j = start;
    let nameStart = start;
    while (j < buf.length && !nameEnds.has(buf[j] as number) && j - start < 64) {
      if (buf[j] === 0x3a) nameStart = j + 1; // a namespace prefix
      j++;
    }
    const length = j - nameStart;
    for (const n of this.names) {
      if (n.name.length !== length || buf.toString('latin1', nameStart, j) !== n.name) continue;
      const seen = (this.counts.get(n.name) ?? 0) + 1;
      this.counts.set(n.name, seen);
      if (seen > n.limit) throw tooMany(this.part, n.what, n.limit);
    }
  }
}

/**
 * Inflates every part the import will read, once, counting as it goes and keeping nothing: each
 * stops at its cap, its ratio, the workbook's total, its rows, cells, shared strings and cell size.
 * Answers each part's true inflated size (the directory's own claim is never trusted).
 */
export async function checkParts(source: ZipSource, parts: { entry: ZipEntry; role: PartRole }[], limits: WorkbookLimits): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  let total = 0;
  for (const { entry, role } of parts) {
    const cap = capOf(role, limits);
    const scan = new XmlScan(
      entry.name,
      counted[role].map((c) => ({ ...c, limit: limitOf(c.name, limits) })),
      limits.maxCellBytes,
    );
    const stream = await entryStream(source, entry);
    let bytes = 0;
    try {
      for await (const chunk of stream) {
        const b = chunk as Buffer;
        bytes += b.length;
        total += b.length;
        let refusal: WorkbookError | undefined;
        if (bytes > cap) refusal = partTooLarge(entry.name, cap);
        else if (total > limits.maxTotalBytes) refusal = totalTooLarge(limits.maxTotalBytes);
        else if (bytes > ratioFloorBytes && bytes > Math.max(entry.compressedSize, 1) * limits.maxRatio) refusal = ratioTooHigh(entry.name, limits.maxRatio);
        if (refusal) throw refusal;
        scan.write(b);
      }
    } finally {
      stream.destroy();
    }
    sizes.set(entry.name, bytes);
  }
  return sizes;
}
