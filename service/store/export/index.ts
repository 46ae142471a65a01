import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sheets, type Kind } from '../../../domain/index.ts';
import { StoreError } from '../errors.ts';
import { writeCsv } from './csv.ts';
import { writeParquet } from './parquet.ts';
import { checkOutPath, contentDisposition } from './path.ts';
import type { ExportScope } from './select.ts';
import { writeXlsx } from './xlsx.ts';

export { contentDisposition, checkOutPath } from './path.ts';
export { buildWorkbook, listSheetName, xlsxNumberFormats } from './xlsx.ts';
export type { ExportScope } from './select.ts';

export const exportFormats = ['csv', 'xlsx', 'parquet'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export function isExportFormat(value: string): value is ExportFormat {
  return (exportFormats as readonly string[]).includes(value);
}

export const exportContentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  parquet: 'application/vnd.apache.parquet',
};

export interface ExportOptions {
  /** Parquet only: `out` becomes a folder partitioned by district and phase (hive layout). */
  partitioned?: boolean;
  /** Only the rows of these dongs (codes), e.g. `store.scopeDongs(actor)`; all when absent. */
  scope?: ExportScope;
}

export interface ExportResult {
  kind: Kind;
  format: ExportFormat;
  out: string;
  /** Live rows written. */
  rows: number;
}

/**
 * Writes every live row of a kind (tombstones excluded) to `out`, an absolute path (a new or empty
 * folder when partitioned). Reads through the given connection (`store.withReader`).
 */
export async function exportRows(connection: DuckDBConnection, kind: Kind, format: ExportFormat, out: string, options: ExportOptions = {}): Promise<ExportResult> {
  if (options.partitioned && format !== 'parquet') throw new StoreError('invalid_input', '분할 출력은 parquet만 됩니다 / --partitioned is for parquet only');
  const path = checkOutPath(out, { folder: options.partitioned === true });
  let rows: number;
  if (format === 'csv') rows = await writeCsv(connection, kind, path, options.scope);
  else if (format === 'parquet') rows = await writeParquet(connection, kind, path, options);
  else rows = (await writeXlsx(connection, [kind], path, options.scope))[kind] ?? 0;
  return { kind, format, out: path, rows };
}

/** The download's names: Korean (자치장부_예산집행_2020-12-31.xlsx) and an ASCII fallback. */
export function exportFileName(kind: Kind, format: ExportFormat, now = new Date()): { filename: string; fallback: string } {
  const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Seoul' }).format(now);
  return { filename: `자치장부_${sheets[kind].sheet}_${day}.${format}`, fallback: `jachi-${kind}-${day}.${format}` };
}

export interface ExportDownload {
  /** The file's bytes, streamed from a temp file that is removed once read (or cancelled). */
  body: ReadableStream<Uint8Array>;
  rows: number;
  size: number;
  filename: string;
  /** content-type, content-disposition (RFC 5987 filename*), content-length. */
  headers: Record<string, string>;
}

/**
 * An export for HTTP (`GET /api/export/:kind?format=`): written to a temp folder of its own, then
 * streamed. Not partitioned (that is a folder).
 */
export async function exportDownload(connection: DuckDBConnection, kind: Kind, format: ExportFormat, options: { scope?: ExportScope; now?: Date } = {}): Promise<ExportDownload> {
  const dir = await mkdtemp(join(tmpdir(), 'jachi-export-'));
  try {
    const { filename, fallback } = exportFileName(kind, format, options.now);
    const { rows, out } = await exportRows(connection, kind, format, join(dir, fallback), options.scope ? { scope: options.scope } : {});
    const { size } = await stat(out);
    const file = createReadStream(out);
    file.once('close', () => void rm(dir, { recursive: true, force: true }));
    return {
      body: Readable.toWeb(file) as ReadableStream<Uint8Array>,
      rows,
      size,
      filename,
      headers: {
        'content-type': exportContentTypes[format],
        'content-disposition': contentDisposition(filename, fallback),
        'content-length': String(size),
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
