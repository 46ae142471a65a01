// The sync engine: pure TypeScript, no Office, no DOM. Persistence and transport are injected.
export * from './types.ts';
export { hashValues, hashText, canonicalValues, sameValues } from './hash.ts';
export { diffTable, type TableDiff } from './diff.ts';
export {
  createSyncEngine,
  memoryStore,
  maxBatchRows,
  type SyncEngine,
  type SyncEngineOptions,
  type SyncOptions,
  type PullReport,
  type PullOptions,
  type Resolution,
} from './engine.ts';
export { marksFromReport, cellItems, cellMarks, columnOfField, rowsToClear, conflictMessage, type CellItem, type MarkTable, type ReportMark } from './marks.ts';
