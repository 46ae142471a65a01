import { basename } from 'node:path';
import { streamCsv, sourceFormat } from './csv.ts';
import { WorkbookError } from './errors.ts';
import { streamWorkbook, type ImportReport, type ReadWorkbookOptions } from './read.ts';

/** A file that is neither an .xlsx nor a CSV. */
export const notWorkbook = (file: string) =>
  new WorkbookError('not_xlsx', 400, {
    ko: `${file}: .xlsx 통합 문서나 .csv 파일이 아닙니다. 엑셀이나 한셀에서 .xlsx 또는 CSV로 저장해 올리세요.`,
    en: `${file}: neither an .xlsx workbook nor a .csv file. Save it from Excel or Hancom Office as .xlsx or CSV.`,
  });

/** Reads an import's file, an .xlsx (streamWorkbook) or a CSV (streamCsv), by what its bytes and name say. */
export async function streamSource(source: string | Uint8Array, options: ReadWorkbookOptions): Promise<ImportReport> {
  const file = options.file ?? (typeof source === 'string' ? basename(source) : 'workbook.xlsx');
  const format = await sourceFormat(source, file);
  if (format === 'csv') return streamCsv(source, { ...options, file });
  if (format === 'other') throw notWorkbook(file);
  return { ...(await streamWorkbook(source, { ...options, file })), format: 'xlsx' };
}
