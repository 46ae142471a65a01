import { Hono } from 'hono';
import { isKind, type Kind } from '../../domain/index.ts';
import { allowRoles } from '../http/auth.ts';
import { ApiError } from '../http/errors.ts';
import { importWorkbook } from '../import/index.ts';
import { sourceName } from './sync.ts';

const xlsxMagic = [0x50, 0x4b, 0x03, 0x04];

/** Errors of a workbook that cannot be read (not a zip, a broken entry or deflate stream): the file's fault. */
function isCorrupt(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = String((error as NodeJS.ErrnoException).code ?? '');
  return (
    /^(not a zip file|not an \.xlsx workbook|bad zip entry|unsupported zip compression)/.test(error.message) ||
    code.startsWith('Z_') ||
    code === 'ERR_BUFFER_OUT_OF_BOUNDS' ||
    code === 'ERR_OUT_OF_RANGE'
  );
}

/** `POST /api/import` (multipart: `file`, optional `kind`, `sheet`, `dryRun`): the import report. */
export const importRoutes = new Hono().post('/import', allowRoles('dong', 'district', 'admin'), async (c) => {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('multipart/form-data')) {
    throw new ApiError('not_multipart', 415, { ko: '엑셀 파일을 multipart/form-data의 file 항목으로 보내세요.', en: 'Send the .xlsx as the file field of multipart/form-data.' });
  }
  const form = await c.req.parseBody();
  const file = form.file;
  if (!(file instanceof File)) throw new ApiError('missing_file', 400, { ko: 'file 항목에 엑셀 파일이 없습니다.', en: 'No workbook in the file field.' });
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!xlsxMagic.every((b, i) => bytes[i] === b)) {
    throw new ApiError('not_xlsx', 400, { ko: `${file.name}: .xlsx 파일이 아닙니다.`, en: `${file.name}: not an .xlsx file.` });
  }
  const kind = typeof form.kind === 'string' && form.kind !== '' ? form.kind : undefined;
  if (kind !== undefined && !isKind(kind)) throw ApiError.of('unknown_kind');
  const sheet = typeof form.sheet === 'string' && form.sheet !== '' ? form.sheet : undefined;
  const dryRun = form.dryRun === 'true' || form.dryRun === '1' || c.req.query('dryRun') === 'true';
  const name = sourceName(file.name) ?? 'workbook.xlsx';
  const report = await importWorkbook(c.get('store'), bytes, c.get('actor'), { kind: kind as Kind | undefined, sheet, dryRun, file: name }).catch((error: unknown) => {
    if (!isCorrupt(error)) throw error;
    throw new ApiError('corrupt_workbook', 400, {
      ko: `${name}: 엑셀 파일을 읽을 수 없습니다. 손상되었거나 .xlsx 파일이 아닙니다. 엑셀에서 다시 저장해 보내세요.`,
      en: `${name}: the workbook cannot be read; it is damaged or not an .xlsx file. Save it again in Excel and send it.`,
    });
  });
  return c.json(report);
});
