import { Hono } from 'hono';
import { allowRoles } from '../http/auth.ts';

/**
 * `POST /api/backup` (admin): a consistent copy of the database in the service's backup folder,
 * `{ "file", "bytes", "revision" }` (every batch acknowledged up to `revision` is in it). Syncs go on
 * while it is taken.
 */
export const backupRoutes = (options: { dir?: string; keep?: number }) =>
  new Hono().post('/backup', allowRoles('admin'), async (c) => {
    const store = c.get('store');
    const taken = await store.backup(options.dir ?? store.defaultBackupDir, options.keep ?? 14);
    return c.json(taken);
  });
