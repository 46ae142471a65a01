import { defaultWorkbookLimits, workbookLimitsFromEnv, type WorkbookLimits } from '../workbook/limits.ts';

/** The workbook's limits (service/workbook/limits.ts), and the memory of the thread that reads it. */
export interface ImportLimits extends WorkbookLimits {
  /** JavaScript heap of the import's worker thread, in MB: past it the worker stops and the import is refused. */
  heapMb: number;
  /** Workbooks read at once, each in its own worker; more wait their turn (or until their request ends). */
  readers: number;
  /** Bytes of an uploaded file (POST /api/import): streamed to a temporary file, refused (413) beyond. */
  maxUploadBytes: number;
}

export const defaultImportLimits: ImportLimits = { ...defaultWorkbookLimits, heapMb: 256, readers: 2, maxUploadBytes: 64 * 1024 * 1024 };

export const heapEnv = 'JACHI_IMPORT_HEAP_MB';
export const readersEnv = 'JACHI_IMPORT_READERS';
export const uploadEnv = 'JACHI_IMPORT_MAX_UPLOAD_MB';

function whole(env: Record<string, string | undefined>, name: string, fallback: number, least: number): number {
  const text = env[name];
  const n = text === undefined || text === '' ? fallback : Number(text);
  if (!Number.isSafeInteger(n) || n < least) throw new Error(`${name}=${text}: ${least} 이상의 정수 / a whole number ≥ ${least}`);
  return n;
}

/** The defaults, with what the operator set in the environment (`JACHI_IMPORT_MAX_ROWS=…`, README "Limits"). */
export function importLimitsFromEnv(env: Record<string, string | undefined> = process.env): ImportLimits {
  return {
    ...workbookLimitsFromEnv(env),
    heapMb: whole(env, heapEnv, defaultImportLimits.heapMb, 16),
    readers: whole(env, readersEnv, defaultImportLimits.readers, 1),
    maxUploadBytes: uploadBytes(env),
  };
}

function uploadBytes(env: Record<string, string | undefined>): number {
  const text = env[uploadEnv];
  if (text === undefined || text === '') return defaultImportLimits.maxUploadBytes;
  const mb = Number(text);
  if (!Number.isFinite(mb) || mb <= 0) throw new Error(`${uploadEnv}=${text}: 양수여야 합니다 / must be a positive number`);
  return Math.floor(mb * 1024 * 1024);
}
