/**
 * Reads one workbook in a worker thread with its own capped heap (reader.ts starts it): through
 * the limits, exceljs (or the CSV reader) and the normaliser, writing each accepted row to the spool file as one JSON
 * line. Nothing is stored from here: the service thread stores the spool once the whole workbook
 * has been read. Posts progress, then the report (or the refusal) and ends.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { ReferenceIndex } from '../../domain/index.ts';
import { streamSource } from '../workbook/index.ts';
import { unreadable, WorkbookError } from '../workbook/errors.ts';
import type { ReadRequest, ReaderMessage, SpooledRow } from './reader.ts';

const request = workerData as ReadRequest;
const post = (message: ReaderMessage) => parentPort!.postMessage(message);

const spool = openSync(request.spool, 'w');
let lines: string[] = [];
const flush = () => {
  if (lines.length > 0) writeSync(spool, lines.join(''));
  lines = [];
};

try {
  const report = await streamSource(request.source, {
    ref: new ReferenceIndex(request.reference),
    kind: request.kind,
    sheet: request.sheet,
    file: request.file,
    limits: request.limits,
    map: request.map,
    deriveRowIds: true,
    keepRows: false,
    onRow: (row, at) => {
      if (!row.rowId) return;
      const line: SpooledRow = { sheet: at.sheet, kind: at.kind, row: row as SpooledRow['row'] };
      lines.push(`${JSON.stringify(line)}\n`);
      if (lines.length >= 1000) flush();
    },
    onProgress: (progress) => post({ type: 'progress', progress }),
  });
  flush();
  closeSync(spool);
  post({ type: 'done', report });
} catch (error) {
  const refusal = error instanceof WorkbookError ? error : unreadable(request.file, (error as Error).message);
  post({ type: 'refused', error: refusal.toJSON() });
}
