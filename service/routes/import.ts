import { Hono } from 'hono';
import { checkHeaderMap, isKind, parseHeaderMap, type HeaderMap, type Kind } from '../../domain/index.ts';
import { allowRoles } from '../http/auth.ts';
import { ApiError } from '../http/errors.ts';
import { ImportIncompleteError, importLimitsFromEnv, importWorkbook } from '../import/index.ts';
import { receiveUpload, uploadTooLarge, UploadError } from '../import/upload.ts';
import { sourceFormat } from '../workbook/csv.ts';
import { sourceName } from './sync.ts';

/** A refused or broken import in the one error shape. */
function importError(error: unknown, leftEarly: boolean): unknown {
  if (error instanceof ImportIncompleteError) {
    const ids = error.stored.map((b) => b.batchId).join(', ') || '-';
    return ApiError.with('import_incomplete', {
      ko: `저장하다가 데이터베이스가 배치 하나를 거부해 멈췄습니다. 저장된 배치 ${error.stored.length}개: ${ids}. 같은 파일을 다시 가져오면 이미 저장된 행은 그대로 두고 나머지를 저장합니다.`,
      en: `storing stopped when the database refused a batch. ${error.stored.length} batches stored: ${ids}. Import the same file again: rows already stored are left as they are, the rest are stored.`,
    });
  }
  if (error instanceof UploadError) return ApiError.with(error.status === 413 ? 'body_too_large' : 'invalid_body', error.body);
  // Nobody is waiting for the answer: stopped quietly, with nothing stored.
  if (leftEarly) return ApiError.with('client_closed', { ko: '요청을 보낸 쪽이 연결을 끊어 가져오기를 멈췄습니다.', en: 'The client closed the connection; the import stopped.' });
  return error;
}

/**
 * The `map` field: headers mapped by hand, as JSON (`{"예산과목":"category"}`) or as the command
 * line writes them (`예산과목=category,사업내용=item`). A pair naming no field is refused (422).
 */
export function mapField(text: string | undefined, kind: Kind | undefined): HeaderMap | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let map: Record<string, string>;
  let problems;
  if (text.trim().startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw ApiError.with('invalid_map', { ko: 'map 항목이 올바른 JSON이 아닙니다.', en: 'The map field is not valid JSON.' });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw ApiError.with('invalid_map', { ko: 'map 항목은 {"열 제목": "항목"} 형태여야 합니다.', en: 'The map field must be {"header": "field"}.' });
    }
    map = parsed as Record<string, string>;
    problems = checkHeaderMap(map, kind);
  } else ({ map, problems } = parseHeaderMap(text, kind));
  if (problems.length > 0) {
    throw ApiError.with('invalid_map', { ko: `map: ${problems.map((p) => p.message.ko).join(' ')}`, en: `map: ${problems.map((p) => p.message.en).join(' ')}` });
  }
  return map;
}

/**
 * `POST /api/import` (multipart: `file` an .xlsx or a .csv, optional `kind`, `sheet`, `map`,
 * `dryRun`): the import report. The body streams to a bounded temporary file (upload.ts), never
 * held by the service thread; the worker reads the file from there.
 */
export const importRoutes = new Hono().post('/import', allowRoles('dong', 'district', 'admin'), async (c) => {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('multipart/form-data')) {
    throw ApiError.with('not_multipart', {
      ko: '엑셀(.xlsx)이나 CSV 파일을 multipart/form-data의 file 항목으로 보내세요.',
      en: 'Send the .xlsx or .csv as the file field of multipart/form-data.',
    });
  }
  const limits = importLimitsFromEnv();
  const declared = Number(c.req.header('content-length') ?? NaN);
  // Reading stops when the request runs out of time (the time limit's signal) or its client leaves.
  const client = c.req.raw.signal;
  const signal = AbortSignal.any([c.get('signal'), client].filter((s): s is AbortSignal => s !== undefined));
  let upload;
  try {
    // multipart framing and the text fields add a little to the file itself
    if (declared > limits.maxUploadBytes + 256 * 1024) throw uploadTooLarge(limits.maxUploadBytes);
    upload = await receiveUpload(c.req.raw.body, type, limits.maxUploadBytes, signal);
  } catch (error) {
    throw importError(error, client.aborted);
  }
  try {
    const { file, fields } = upload;
    if (!file || file.bytes === 0) throw ApiError.with('missing_file', { ko: 'file 항목에 엑셀(.xlsx)이나 CSV 파일이 없습니다.', en: 'No workbook or CSV in the file field.' });
    if ((await sourceFormat(file.path, file.name)) === 'other') {
      throw ApiError.with('not_xlsx', { ko: `${file.name}: .xlsx나 .csv 파일이 아닙니다.`, en: `${file.name}: not an .xlsx or .csv file.` });
    }
    const kind = fields.kind !== undefined && fields.kind !== '' ? fields.kind : undefined;
    if (kind !== undefined && !isKind(kind)) throw ApiError.of('unknown_kind');
    const sheet = fields.sheet !== undefined && fields.sheet !== '' ? fields.sheet : undefined;
    const dryRun = fields.dryRun === 'true' || fields.dryRun === '1' || c.req.query('dryRun') === 'true';
    const map = mapField(fields.map, kind);
    const name = sourceName(file.name) ?? (file.name.toLowerCase().endsWith('.csv') ? 'data.csv' : 'workbook.xlsx');
    const report = await importWorkbook(c.get('store'), file.path, c.get('actor'), { kind, sheet, map, dryRun, file: name, signal, limits });
    return c.json(report);
  } catch (error) {
    throw importError(error, client.aborted);
  } finally {
    await upload.discard();
  }
});
