import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HeaderMap, Kind, Reference, ReportRow } from '../../domain/index.ts';
import type { ImportProgress, ImportReport } from '../workbook/index.ts';
import { outOfMemory, WorkbookError } from '../workbook/errors.ts';
import type { ImportLimits } from './limits.ts';

/** What the worker thread is given (worker.ts). */
export interface ReadRequest {
  source: string | Uint8Array;
  file: string;
  kind?: Kind;
  sheet?: string;
  /** Headers mapped by hand (header → field, or ignored). */
  map?: HeaderMap;
  reference: Reference;
  limits: ImportLimits;
  /** The file the worker writes accepted rows to, one JSON line each. */
  spool: string;
}

/** One line of the spool. */
export interface SpooledRow {
  sheet: string;
  kind: Kind;
  row: ReportRow & { rowId: string };
}

export type ReaderMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'done'; report: ImportReport }
  | { type: 'refused'; error: ReturnType<WorkbookError['toJSON']> };

const workerUrl = new URL('./worker.mjs', import.meta.url);

/** Worker threads reading a workbook right now (tests watch one go when its client leaves). */
const running = new Set<Worker>();
export const runningReaders = (): number => running.size;

export interface ReadOptions {
  /** Stops the worker (terminate) when it aborts: the request ended, timed out or its client left. */
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
  /** Hand the bytes' memory to the worker instead of copying them (the caller must not use them after). */
  transfer?: boolean;
}

/** Readers holding a turn, and those waiting for one (`limits.readers` at once). */
let turns = 0;
const waiting: (() => void)[] = [];

/** Waits for a turn to read; gives up, out of the queue, when `signal` aborts. */
async function takeTurn(readers: number, signal?: AbortSignal): Promise<void> {
  if (turns < readers) {
    turns++;
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const go = () => {
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    const stop = () => {
      waiting.splice(waiting.indexOf(go), 1);
      reject(signal?.reason);
    };
    waiting.push(go);
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/** Hands the turn to the next reader waiting, if any. */
function endTurn(): void {
  const next = waiting.shift();
  if (next) next();
  else turns--;
}

/** A workbook read in a worker thread: its report, and the spool of its accepted rows. */
export interface ReadResult {
  report: ImportReport;
  spool: string;
  /** Removes the spool (and its folder). */
  discard: () => Promise<void>;
}

/**
 * Reads a workbook off the service thread, in a worker with its own heap cap (`limits.heapMb`):
 * a bomb that gets past every limit still only fills the worker's heap, and the worker alone
 * stops. At most `limits.readers` workers read at once; the others wait their turn. The worker is
 * terminated as soon as `signal` aborts, and always once it has answered.
 */
export async function readInWorker(request: Omit<ReadRequest, 'spool'>, options: ReadOptions = {}): Promise<ReadResult> {
  const { signal } = options;
  signal?.throwIfAborted();
  await takeTurn(request.limits.readers, signal);
  try {
    return await readInTurn(request, options);
  } finally {
    endTurn();
  }
}

async function readInTurn(request: Omit<ReadRequest, 'spool'>, options: ReadOptions): Promise<ReadResult> {
  const { signal } = options;
  const dir = await mkdtemp(join(tmpdir(), 'jachi-import-'));
  const spool = join(dir, 'rows.jsonl');
  const discard = () => rm(dir, { recursive: true, force: true });
  const source = request.source;
  const transferList = options.transfer && typeof source !== 'string' ? [source.buffer as ArrayBuffer] : [];
  let worker: Worker;
  try {
    worker = new Worker(workerUrl, {
      workerData: { ...request, spool } satisfies ReadRequest,
      transferList,
      resourceLimits: { maxOldGenerationSizeMb: request.limits.heapMb },
      stdout: false,
      stderr: false,
    });
  } catch (error) {
    await discard();
    throw error;
  }
  running.add(worker);
  try {
    const report = await new Promise<ImportReport>((resolve, reject) => {
      const onAbort = () => reject(signal?.reason ?? new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort(); // while it waited for its turn or its folder
      const done = () => signal?.removeEventListener('abort', onAbort);
      worker.on('message', (message: ReaderMessage) => {
        if (message.type === 'progress') options.onProgress?.(message.progress);
        else if (message.type === 'done') resolve(message.report);
        else reject(WorkbookError.from(message.error));
        if (message.type !== 'progress') done();
      });
      worker.on('error', (error: Error & { code?: string }) => {
        done();
        reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? outOfMemory(request.limits.heapMb) : error);
      });
      worker.on('exit', (code) => {
        done();
        reject(new Error(`the import's worker thread ended (${code}) without an answer`));
      });
    });
    return { report, spool, discard };
  } catch (error) {
    await discard();
    throw error;
  } finally {
    await worker.terminate();
    running.delete(worker);
  }
}
