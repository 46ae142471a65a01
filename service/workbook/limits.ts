/**
 * What one workbook may cost to read. Every limit is checked while the bytes stream in, before the
 * work they would cause: an entry stops inflating at its cap, a sheet is refused at its first row
 * over the limit, before any row is normalised or stored.
 */
export interface WorkbookLimits {
  /** Inflated bytes of one worksheet part. */
  maxSheetBytes: number;
  /** Inflated bytes of xl/workbook.xml, its relationships, styles and the other small parts. */
  maxSmallPartBytes: number;
  /** Inflated bytes of the shared strings part (all the workbook's text, held while reading). */
  maxSharedStringBytes: number;
  /** Entries in the shared strings part. */
  maxSharedStrings: number;
  /** Inflated bytes of every part read, together. */
  maxTotalBytes: number;
  /** Inflated ÷ compressed bytes of a part, once it is past 1 MB. */
  maxRatio: number;
  /** Rows of one sheet (`<row>` elements, empty ones included). */
  maxRows: number;
  /** Cells of one sheet (`<c>` elements). */
  maxCells: number;
  /** Bytes of one cell's text, or of any run of text or whitespace between two tags. */
  maxCellBytes: number;
}

const MB = 1024 * 1024;

export const defaultWorkbookLimits: WorkbookLimits = {
  maxSheetBytes: 256 * MB,
  maxSmallPartBytes: 4 * MB,
  maxSharedStringBytes: 64 * MB,
  maxSharedStrings: 1_000_000,
  maxTotalBytes: 512 * MB,
  maxRatio: 200,
  maxRows: 250_000,
  maxCells: 5_000_000,
  // Excel's own limit is 32,767 characters a cell: at most 4 bytes each in UTF-8.
  maxCellBytes: 128 * 1024,
};

/** Above this size a part must also keep to `maxRatio`: small parts compress well without being bombs. */
export const ratioFloorBytes = MB;

/** The environment variable of each limit (JACHI_IMPORT_MAX_ROWS, …). */
export const workbookLimitEnv: Record<keyof WorkbookLimits, string> = {
  maxSheetBytes: 'JACHI_IMPORT_MAX_SHEET_MB',
  maxSmallPartBytes: 'JACHI_IMPORT_MAX_PART_MB',
  maxSharedStringBytes: 'JACHI_IMPORT_MAX_STRINGS_MB',
  maxSharedStrings: 'JACHI_IMPORT_MAX_STRINGS',
  maxTotalBytes: 'JACHI_IMPORT_MAX_TOTAL_MB',
  maxRatio: 'JACHI_IMPORT_MAX_RATIO',
  maxRows: 'JACHI_IMPORT_MAX_ROWS',
  maxCells: 'JACHI_IMPORT_MAX_CELLS',
  maxCellBytes: 'JACHI_IMPORT_MAX_CELL_KB',
};

const unitOf = (name: string) => (name.endsWith('_MB') ? MB : name.endsWith('_KB') ? 1024 : 1);

/** The limits an operator set in the environment, over the defaults; a bad value is an error, not ignored. */
export function workbookLimitsFromEnv(env: Record<string, string | undefined> = process.env): WorkbookLimits {
  const limits = { ...defaultWorkbookLimits };
  for (const [key, name] of Object.entries(workbookLimitEnv) as [keyof WorkbookLimits, string][]) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${text}: 양수여야 합니다 / must be a positive number`);
    limits[key] = Math.floor(n * unitOf(name));
  }
  return limits;
}
