import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { sizeOf } from './zip.ts';
import { createSheetReader, type GridCell } from '../../domain/index.ts';
import { WorkbookError, cellTooLong, partTooLarge, tooMany } from './errors.ts';
import { defaultWorkbookLimits } from './limits.ts';
import type { ImportReport, ReadWorkbookOptions } from './read.ts';
import { sheetOptions } from './read.ts';

type Source = string | Uint8Array;

/** The encodings a CSV is read in: what Korean Excel, Hancom Office (한셀) and LibreOffice save. */
export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'euc-kr' | 'utf-16le' | 'utf-16be';

const chunkBytes = 256 * 1024;

async function* chunksOf(source: Source): AsyncGenerator<Uint8Array> {
  if (typeof source !== 'string') {
    for (let at = 0; at < source.byteLength; at += chunkBytes) yield source.subarray(at, at + chunkBytes);
    return;
  }
  for await (const chunk of createReadStream(source, { highWaterMark: chunkBytes })) yield chunk as Buffer;
}

/** The first bytes of a file or of bytes. */
export async function headOf(source: Source, length: number): Promise<Uint8Array> {
  if (typeof source !== 'string') return source.subarray(0, length);
  const fh = await open(source, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

const isZip = (head: Uint8Array) => head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;

/** What a file is read as: an .xlsx (a zip), or a CSV (by its name, or text that is no zip). */
export async function sourceFormat(source: Source, file: string): Promise<'xlsx' | 'csv' | 'other'> {
  const head = await headOf(source, 4);
  if (isZip(head)) return 'xlsx';
  const ext = extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return 'csv';
  return 'other';
}

export const undecodable = (file: string, reason: { ko: string; en: string }) =>
  new WorkbookError('undecodable_csv', 422, {
    ko: `${file}: CSV 파일의 문자 인코딩을 확실히 알 수 없어 읽지 않았습니다 (${reason.ko}). 엑셀에서 'CSV UTF-8(쉼표로 분리)'로 다시 저장하세요.`,
    en: `${file}: the CSV's character encoding cannot be told for sure, so it was not read (${reason.en}). Save it again from Excel as 'CSV UTF-8 (comma delimited)'.`,
  });

/** Decodes every chunk with `encoding`, strictly; false at the first byte that is not of it. */
async function decodesAs(source: Source, encoding: string, skip: number, text?: (t: string) => void): Promise<boolean> {
  const decoder = new TextDecoder(encoding, { fatal: true });
  let first = true;
  try {
    for await (const chunk of chunksOf(source)) {
      const part = first ? chunk.subarray(skip) : chunk;
      first = false;
      const t = decoder.decode(part, { stream: true });
      text?.(t);
    }
    text?.(decoder.decode());
    return true;
  } catch {
    return false;
  }
}

/**
 * Tells a CSV's encoding, for sure or not at all: a byte-order mark (UTF-8, UTF-16) says it; else
 * the whole file must decode as UTF-8 (Excel's 'CSV UTF-8', LibreOffice), or else as CP949/EUC-KR
 * (Korean Excel's and 한셀's 'CSV') and read as Korean text (most of its letters Hangul). A NUL
 * byte (UTF-16 without its mark, or no text at all), or a file that is neither, is refused.
 */
export async function detectCsvEncoding(source: Source, file: string): Promise<{ encoding: CsvEncoding; skip: number }> {
  const head = await headOf(source, 3);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8-bom', skip: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  for await (const chunk of chunksOf(source)) {
    if (chunk.includes(0))
      throw undecodable(file, {
        ko: 'NUL 바이트가 있습니다: 텍스트 파일이 아니거나 BOM 없는 UTF-16입니다',
        en: 'it holds NUL bytes: not text, or UTF-16 without a byte-order mark',
      });
  }
  if (await decodesAs(source, 'utf-8', 0)) return { encoding: 'utf-8', skip: 0 };
  let hangul = 0;
  let other = 0;
  const counted = await decodesAs(source, 'euc-kr', 0, (t) => {
    for (const ch of t) {
      const c = ch.codePointAt(0) as number;
      if (c < 0x80) continue;
      if ((c >= 0xac00 && c <= 0xd7a3) || (c >= 0x3131 && c <= 0x318e)) hangul++;
      else other++;
    }
  });
  if (!counted) {
    throw undecodable(file, { ko: 'UTF-8로도 CP949(EUC-KR)로도 읽히지 않습니다', en: 'it decodes neither as UTF-8 nor as CP949 (EUC-KR)' });
  }
  if (hangul === 0 || other > hangul) {
    throw undecodable(file, {
      ko: 'UTF-8이 아니고, CP949(EUC-KR)로 읽으면 한글보다 다른 글자가 많습니다',
      en: 'it is not UTF-8, and read as CP949 (EUC-KR) it holds more other letters than Hangul',
    });
  }
  return { encoding: 'euc-kr', skip: 0 };
}

/**
 * Splits CSV text into rows of fields (RFC 4180: quoted fields may hold the delimiter, quotes
 * doubled, and line breaks), chunk by chunk.
 */
export class CsvSplitter {
  private field = '';
  private row: string[] = [];
  private quoted = false;
  private afterQuote = false;
  private fieldStarted = false;
  private lastCr = false;

  constructor(
    private readonly delimiter: string,
    private readonly onRow: (fields: string[]) => void,
    private readonly onField: (length: number) => void,
  ) {}

  write(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      if (this.lastCr) {
        this.lastCr = false;
        if (ch === '\n') continue;
      }
      if (this.quoted) {
        if (ch === '"') {
          this.quoted = false;
          this.afterQuote = true;
        } else this.add(ch);
        continue;
      }
      if (ch === '"') {
        if (this.afterQuote) {
          // a doubled quote inside a quoted field
          this.add('"');
          this.quoted = true;
          this.afterQuote = false;
        } else if (!this.fieldStarted) this.quoted = true;
        else this.add(ch);
        this.fieldStarted = true;
        continue;
      }
      this.afterQuote = false;
      if (ch === this.delimiter) this.endField();
      else if (ch === '\n' || ch === '\r') {
        this.lastCr = ch === '\r';
        this.endRow();
      } else {
        this.add(ch);
        this.fieldStarted = true;
      }
    }
  }

  end(): void {
    if (this.fieldStarted || this.row.length > 0) this.endRow();
  }

  private add(ch: string): void {
    this.field += ch;
    if (this.field.length % 4096 === 0) this.onField(this.field.length);
  }

  private endField(): void {
    this.onField(this.field.length);
    this.row.push(this.field);
    this.field = '';
    this.fieldStarted = false;
    this.afterQuote = false;
  }

  private endRow(): void {
    this.endField();
    const row = this.row;
    this.row = [];
    this.onRow(row);
  }
}

/** The delimiter of a CSV's first line: the most frequent of comma, tab and semicolon outside quotes. */
export function csvDelimiter(firstLines: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    ['\t', 0],
    [';', 0],
  ]);
  let quoted = false;
  for (const ch of firstLines) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) as number) + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > (counts.get(best) as number)) best = d;
  return best;
}

/**
 * Reads a CSV (path or bytes) as one sheet, named after the file: its encoding told for sure
 * (detectCsvEncoding), split into rows and read by the same normaliser, rules and report as an
 * .xlsx sheet. Every cell is text, read as officials type it (1,234,000 · 2019-05-30 · Y). The
 * workbook limits hold: the file's bytes as a sheet's, its rows, cells and cell size.
 */
export async function streamCsv(source: Source, options: ReadWorkbookOptions): Promise<ImportReport> {
  const file = options.file ?? (typeof source === 'string' ? basename(source) : 'data.csv');
  const limits = options.limits ?? defaultWorkbookLimits;
  const bytes = await sizeOf(source);
  if (bytes > limits.maxSheetBytes) throw partTooLarge(file, limits.maxSheetBytes);
  const { encoding, skip } = await detectCsvEncoding(source, file);
  const sheet = basename(file, extname(file)) || 'CSV';
  if (options.sheet !== undefined && options.sheet !== sheet) {
    return { file, format: 'csv', encoding: encoding === 'utf-8-bom' ? 'utf-8' : encoding, sheets: [] };
  }
  const reader = createSheetReader({ ...sheetOptions(options, sheet), sheet, date1904: false, merges: [] });
  let rowNumber = 0;
  let cells = 0;
  const maxChars = Math.floor(limits.maxCellBytes / 3);
  const pending: string[][] = [];
  let splitter: CsvSplitter | undefined;
  let head = '';
  const splitterFor = (text: string) =>
    new CsvSplitter(
      csvDelimiter(text.split(/\r?\n/u).slice(0, 5).join('\n')),
      (fields) => pending.push(fields),
      (length) => {
        if (length > maxChars) throw cellTooLong(file, limits.maxCellBytes);
      },
    );
  const feed = async () => {
    for (const fields of pending.splice(0)) {
      rowNumber++;
      if (rowNumber > limits.maxRows) throw tooMany(file, { ko: '행', en: 'rows' }, limits.maxRows);
      cells += fields.length;
      if (cells > limits.maxCells) throw tooMany(file, { ko: '셀', en: 'cells' }, limits.maxCells);
      const row: (GridCell | undefined)[] = fields.map((f) => (f === '' ? undefined : { value: f }));
      reader.push(rowNumber, row);
      if (rowNumber % 1000 === 0) options.onProgress?.({ sheet, row: rowNumber });
      if (options.drain && rowNumber % 500 === 0) await options.drain();
    }
  };
  const label = encoding === 'utf-8-bom' ? 'utf-8' : encoding;
  const decoder = new TextDecoder(label, { fatal: true });
  let first = true;
  for await (const chunk of chunksOf(source)) {
    const text = decoder.decode(first ? chunk.subarray(skip) : chunk, { stream: true });
    first = false;
    if (!splitter) {
      head += text;
      if (head.length < 8192 && !/\n/u.test(head)) continue;
      splitter = splitterFor(head);
      splitter.write(head);
    } else splitter.write(text);
    await feed();
  }
  const rest = decoder.decode();
  if (splitter) splitter.write(rest);
  else {
    splitter = splitterFor(head + rest);
    splitter.write(head + rest);
  }
  splitter.end();
  await feed();
  const report = reader.finish();
  await options.drain?.();
  options.onProgress?.({ sheet, row: rowNumber });
  return { file, format: 'csv', encoding: encoding === 'utf-8-bom' ? 'utf-8' : encoding, sheets: [report] };
}
