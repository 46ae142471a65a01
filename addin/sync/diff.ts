import { hashValues } from './hash.ts';
import type { KindState, LocalRow, RowOutcome, SyncBody } from './types.ts';

/** Marks a queued delete in `RowState.queued` and `PendingBatch.hashes`. */
export const deleteMark = '<delete>';
/** The hash recorded for a row the service holds as a tombstone. */
export const tombstoneMark = '<tombstone>';

export interface TableDiff {
  idWrites: { index: number; rowId: string }[];
  /** Rows to send, with the hash of the values sent. */
  changed: { row: SyncBody['rows'][number]; hash: string }[];
  /** Deletes the official already confirmed, ready to send. */
  deletes: SyncBody['deletes'];
  /** Rows gone from the table that wait for confirmation. */
  deleteCandidates: { rowId: string; baseRevision: number }[];
  /** Rows not sent because they were refused before and are unchanged, or unreadable. */
  refused: RowOutcome[];
  /** Rows whose values equal what the service holds. */
  clean: string[];
  /** rowId → index in the table rows given. */
  indexOf: Map<string, number>;
}

/**
 * Compares the table with the last synced state. Pure, except that it drops from `state` the rows
 * that were never accepted and are gone from the table, and confirmations of rows that came back.
 */
export function diffTable(state: KindState, rows: readonly LocalRow[], newId: () => string, columns?: readonly string[]): TableDiff {
  const diff: TableDiff = { idWrites: [], changed: [], deletes: [], deleteCandidates: [], refused: [], clean: [], indexOf: new Map() };
  const { indexOf } = diff;
  const anyConflict = Object.keys(state.conflicts).length > 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    let id = typeof row.rowId === 'string' ? row.rowId.trim() : '';
    if (id === '' || indexOf.has(id)) {
      // A new row, or a copy of another row that carried its hidden id along.
      id = newId();
      diff.idWrites.push({ index: i, rowId: id });
    }
    indexOf.set(id, i);
    if (row.errors && row.errors.length > 0) {
      diff.refused.push({ rowId: id, index: i, status: 'invalid', errors: row.errors });
      continue;
    }
    const known = state.rows[id];
    if (known?.queued !== undefined || (anyConflict && state.conflicts[id])) continue;
    const hash = hashValues(row.values);
    if (known && known.hash === hash) {
      diff.clean.push(id);
      continue;
    }
    if (known?.refused === hash) {
      diff.refused.push({ rowId: id, index: i, status: known.refusedStatus ?? 'rejected', errors: known.errors ?? [] });
      continue;
    }
    // Fields the table has no column for (read as blanks) go along as the service holds them (RowState.extra).
    const kept = known?.extra && columns ? Object.entries(known.extra).filter(([k]) => !columns.includes(k)) : [];
    const values = kept.length > 0 ? { ...row.values, ...Object.fromEntries(kept) } : row.values;
    diff.changed.push({ row: { rowId: id, baseRevision: known?.revision ?? null, values }, hash });
  }

  const confirmed = new Set(state.confirmedDeletes);
  for (const id of Object.keys(state.rows)) {
    if (indexOf.has(id)) continue;
    const known = state.rows[id]!;
    if (known.queued !== undefined || (anyConflict && state.conflicts[id])) continue;
    if (known.revision === null || known.hash === tombstoneMark) {
      // Never on the service (or already a tombstone there) and gone here: nothing to delete.
      delete state.rows[id];
      continue;
    }
    if (confirmed.has(id)) diff.deletes.push({ rowId: id, baseRevision: known.revision });
    else diff.deleteCandidates.push({ rowId: id, baseRevision: known.revision });
  }
  if (state.confirmedDeletes.length > 0) state.confirmedDeletes = state.confirmedDeletes.filter((id) => !indexOf.has(id) && state.rows[id] !== undefined);
  return diff;
}
