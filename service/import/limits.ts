import { defaultWorkbookLimits, workbookLimitsFromEnv, type WorkbookLimits } from '../workbook/limits.ts';

/** The workbook's limits (service/workbook/limits.ts), and the memory of the thread that reads it. */
export interface ImportLimits extends WorkbookLimits {
  /** JavaScript heap of the import's worker thread, in MB: past it the worker stops and the import is refused. */
  heapMb: number;
}

export const defaultImportLimits: ImportLimits = { ...defaultWorkbookLimits, heapMb: 256 };

export const heapEnv = 'JACHI_IMPORT_HEAP_MB';

/** The defaults, with what the operator set in the environment (`JACHI_IMPORT_MAX_ROWS=…`, README "Limits"). */
export function importLimitsFromEnv(env: Record<string, string | undefined> = process.env): ImportLimits {
  const heap = env[heapEnv];
  const heapMb = heap === undefined || heap === '' ? defaultImportLimits.heapMb : Number(heap);
  if (!Number.isSafeInteger(heapMb) || heapMb < 16) throw new Error(`${heapEnv}=${heap}: 16 이상의 정수 / a whole number ≥ 16`);
  return { ...workbookLimitsFromEnv(env), heapMb };
}
