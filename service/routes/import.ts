import { Hono } from 'hono';
import { isKind, type Kind } from '../../domain/index.ts';
import { allowRoles } from '../http/auth.ts';
import { ApiError } from '../http/errors.ts';
import { ImportIncompleteError, importWorkbook } from '../import/index.ts';
import { sourceName } from './sync.ts';

const xlsxMagic = [0x50, 0x4b, 0x03, 0x04];

/** A refused or broken import in the one error shape. */
function importError(error: unknown, leftEarly: boolean): unknown {
  if (error instanceof ImportIncompleteError) {
    const ids = error.stored.map((b) => b.batchId).join(', ') || '-';
    return ApiError.with('import_incomplete', {
      ko: `저장하다가 데이터베이스가 배치 하나를 거부해 멈췄습니다. 저장된 배치 ${error.stored.length}개: ${ids}. 같은 파일을 다시 가져오면 이미 저장된 행은 그대로 두고 나머지를 저장합니다.`,
      en: `storing stopped when the database refused a batch. ${error.stored.length} batches stored: ${ids}. Import the same file again: rows already stored are left as they are, the rest are stored.`,
    });
  }
  // Nobody is waiting for the answer: stopped quietly, with nothing stored.
  if (leftEarly) return ApiError.with('client_closed', { ko: '요청을 보낸 쪽이 연결을 끊어 가져오기를 멈췄습니다.', en: 'The client closed the connection; the import stopped.' });
  return error;
}

/** `POST /api/import` (multipart: `file`, optional `kind`, `sheet`, `dryRun`): the import report. */
export const importRoutes = new Hono().post('/import', allowRoles('dong', 'district', 'admin'), async (c) => {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('multipart/form-data')) {
    throw ApiError.with('not_multipart', { ko: '엑셀 파일을 multipart/form-data의 file 항목으로 보내세요.', en: 'Send the .xlsx as the file field of multipart/form-data.' });
  }
  const form = await c.req.parseBody();
  const file = form.file;
  if (!(file instanceof File)) throw ApiError.with('missing_file', { ko: 'file 항목에 엑셀 파일이 없습니다.', en: 'No workbook in the file field.' });
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!xlsxMagic.every((b, i) => bytes[i] === b)) {
    throw ApiError.with('not_xlsx', { ko: `${file.name}: .xlsx 파일이 아닙니다.`, en: `${file.name}: not an .xlsx file.` });
  }
  const kind = typeof form.kind === 'string' && form.kind !== '' ? form.kind : undefined;
  if (kind !== undefined && !isKind(kind)) throw ApiError.of('unknown_kind');
  const sheet = typeof form.sheet === 'string' && form.sheet !== '' ? form.sheet : undefined;
  const dryRun = form.dryRun === 'true' || form.dryRun === '1' || c.req.query('dryRun') === 'true';
  // Reading stops when the request runs out of time (the time limit's signal) or its client leaves.
  const client = c.req.raw.signal;
  const signal = AbortSignal.any([c.get('signal'), client].filter((s): s is AbortSignal => s !== undefined));
  try {
    const report = await importWorkbook(c.get('store'), bytes, c.get('actor'), { kind: kind as Kind | undefined, sheet, dryRun, file: sourceName(file.name) ?? 'workbook.xlsx', signal, transfer: true });
    return c.json(report);
  } catch (error) {
    throw importError(error, client.aborted);
  }
});
