import { Hono } from 'hono';
import { allowRoles } from '../http/auth.ts';
import { ApiError } from '../http/errors.ts';

/**
 * `POST /api/backup` (admin): a consistent copy of the database in the service's backup folder,
 * `{ "file", "bytes", "revision" }` (every batch acknowledged up to `revision` is in it). Syncs go on
 * while it is taken. The file holds every city: an administrator limited to one city may not take it.
 */
export const backupRoutes = (options: { dir?: string; keep?: number }) =>
  new Hono().post('/backup', allowRoles('admin'), async (c) => {
    const store = c.get('store');
    const city = c.get('actor').city;
    if (city !== null)
      throw ApiError.with('forbidden', {
        ko: `백업은 모든 시·도를 담습니다. ${store.reference.cityName(city)}에 한정된 토큰으로는 받을 수 없습니다.`,
        en: `A backup holds every city; a token limited to ${store.reference.cityName(city)} (city ${city}) may not take one.`,
      });
    const taken = await store.backup(options.dir ?? store.defaultBackupDir, options.keep ?? 14);
    return c.json(taken);
  });
