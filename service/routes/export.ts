import { Hono } from 'hono';
import { exportFormats, isExportFormat } from '../store/export/index.ts';
import { ApiError } from '../http/errors.ts';
import { kindParam } from './sync.ts';

/** `GET /api/export/:kind?format=csv|xlsx|parquet`: every live row of a kind the token may read. */
export const exportRoutes = new Hono().get('/export/:kind', async (c) => {
  const kind = kindParam(c.req.param('kind'));
  const format = c.req.query('format') ?? 'xlsx';
  if (!isExportFormat(format)) {
    throw ApiError.with('invalid_format', { ko: `format은 ${exportFormats.join(', ')} 중 하나입니다.`, en: `format must be one of ${exportFormats.join(', ')}.` });
  }
  const signal = c.get('signal');
  const file = await c.get('store').download(kind, format, c.get('actor'), signal);
  // Answered 504 meanwhile: nobody will read the file, so let it go (its temp folder with it).
  if (signal.aborted) {
    await file.body.cancel();
    throw ApiError.of('request_timeout');
  }
  return new Response(file.body, { headers: file.headers });
});
