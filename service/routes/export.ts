import { Hono } from 'hono';
import { exportFormats, isExportFormat } from '../store/export/index.ts';
import { ApiError } from '../http/errors.ts';
import { kindParam } from './sync.ts';

/** `GET /api/export/:kind?format=csv|xlsx|parquet`: every live row of a kind the token may read. */
export const exportRoutes = new Hono().get('/export/:kind', async (c) => {
  const kind = kindParam(c.req.param('kind'));
  const format = c.req.query('format') ?? 'xlsx';
  if (!isExportFormat(format)) {
    throw new ApiError('invalid_format', 400, { ko: `format은 ${exportFormats.join(', ')} 중 하나입니다.`, en: `format must be one of ${exportFormats.join(', ')}.` });
  }
  const file = await c.get('store').download(kind, format, c.get('actor'));
  return new Response(file.body, { headers: file.headers });
});
