import { parseRangeAddress, type MergeRange } from '../../domain/index.ts';
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
  /** Hand on the tag's attributes too (whole, even across chunks). */
  attributes?: boolean;
}

const counted: Record<PartRole, Counted[]> = {
  sheet: [
    { name: 'row', limit: 0, what: { ko: '행', en: 'rows' } },
    { name: 'c', limit: 0, what: { ko: '셀', en: 'cells' } },
    // Merged ranges come after the rows; exceljs' streaming reader drops them (read.ts).
    { name: 'mergeCell', limit: Infinity, what: { ko: '병합 범위', en: 'merged ranges' }, attributes: true },
  ],
  sharedStrings: [{ name: 'si', limit: 0, what: { ko: '공유 문자열', en: 'shared strings' } }],
  small: [],
};

const limitOf = (name: string, limits: WorkbookLimits) => (name === 'row' ? limits.maxRows : name === 'c' ? limits.maxCells : name === 'si' ? limits.maxSharedStrings : Infinity);
const capOf = (role: PartRole, limits: WorkbookLimits) =>
  role === 'sheet' ? limits.maxSheetBytes : role === 'sharedStrings' ? limits.maxSharedStringBytes : limits.maxSmallPartBytes;

const lt = 0x3c;
/** Bytes that end a tag's name: space, tab, LF, CR, '>', '/'. */
const nameEnd = new Uint8Array(256);
for (const b of [0x20, 0x09, 0x0a, 0x0d, 0x3e, 0x2f]) nameEnd[b] = 1;

/**
 * Scans XML bytes as they inflate, with no parser and nothing kept: counts the opening tags of the
 * given names (any namespace prefix) and measures every stretch between two '<', so a cell of
 * gigabytes, or gigabytes of whitespace between two tags, is refused at its limit.
 */
export class XmlScan {
  private stretch = 0;
  private carry: Buffer | undefined;
  private readonly nameBytes: Buffer[];
  readonly counts: number[];

  constructor(
    private readonly part: string,
    private readonly names: Counted[],
    private readonly maxStretch: number,
    private readonly onAttributes?: (name: string, text: string) => void,
  ) {
    this.nameBytes = names.map((n) => Buffer.from(n.name, 'latin1'));
    this.counts = names.map(() => 0);
  }

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
      this.stretch = 0;
      if (this.names.length > 0 && !this.tag(buf, at + 1)) {
        // The tag's name is cut by the chunk's end: keep its start for the next chunk.
        this.carry = Buffer.from(buf.subarray(at));
        return;
      }
      pos = at + 1;
    }
  }

  /** Counts the tag whose name starts at `start`; false when the name runs past the buffer. */
  private tag(buf: Buffer, start: number): boolean {
    const first = buf[start];
    if (first === 0x2f || first === 0x3f || first === 0x21) return true; // </…, <?…, <!…
    const limit = Math.min(buf.length, start + 64);
    let j = start;
    let nameStart = start;
    while (j < limit && nameEnd[buf[j] as number] === 0) {
      if (buf[j] === 0x3a) nameStart = j + 1; // a namespace prefix
      j++;
    }
    if (j === buf.length) return false;
    const length = j - nameStart;
    for (let k = 0; k < this.nameBytes.length; k++) {
      const name = this.nameBytes[k] as Buffer;
      if (name.length !== length) continue;
      let same = true;
      for (let q = 0; q < length && same; q++) same = buf[nameStart + q] === name[q];
      if (!same) continue;
      const n = this.names[k] as Counted;
      if (n.attributes) {
        const close = buf.indexOf(0x3e, j); // '>' (the stretch limit bounds how far it may be)
        if (close < 0) return false;
        this.onAttributes?.(n.name, buf.toString('utf8', j, close));
      }
      const seen = (this.counts[k] as number) + 1;
      this.counts[k] = seen;
      if (seen > n.limit) throw tooMany(this.part, n.what, n.limit);
    }
    return true;
  }
}

/** What checking found: each part's true inflated size (the directory's own claim is never trusted), each sheet's merged ranges. */
export interface CheckedParts {
  sizes: Map<string, number>;
  merges: Map<string, MergeRange[]>;
}

/**
 * Inflates every part the import will read, once, counting as it goes and keeping nothing but the
 * merged ranges: each stops at its cap, its ratio, the workbook's total, its rows, cells, shared
 * strings and cell size.
 */
export async function checkParts(source: ZipSource, parts: { entry: ZipEntry; role: PartRole }[], limits: WorkbookLimits): Promise<CheckedParts> {
  const sizes = new Map<string, number>();
  const merges = new Map<string, MergeRange[]>();
  let total = 0;
  for (const { entry, role } of parts) {
    const cap = capOf(role, limits);
    const ranges: MergeRange[] = [];
    if (role === 'sheet') merges.set(entry.name, ranges);
    const scan = new XmlScan(
      entry.name,
      counted[role].map((c) => ({ ...c, limit: limitOf(c.name, limits) })),
      limits.maxCellBytes,
      (_name, text) => {
        const ref = /\bref\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
        const range = ref ? parseRangeAddress(ref) : undefined;
        if (range) ranges.push(range);
      },
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
  return { sizes, merges };
}
