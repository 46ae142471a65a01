// What the 동기화 view shows, apart from the DOM: names of sheets and fields, values as an official
// reads them, the results list for a sync's outcomes, the connection badge, the progress bar and the
// rows offered as deletes. Pure: unit-tested without a DOM or Office (test/addin/sync-model.test.ts).
import type { Kind } from '../../../domain/sheets.ts';
import type { Conflict } from '../../sync/index.ts';
import type { DeleteCandidate, KindOutcome, ProgressInfo, ResultItem, SkippedItem } from '../../sync/workflow.ts';
import type { Meta } from '../api.ts';
import type { Locale } from '../i18n.ts';

/** The fields, after dong and phase, that say what a row is about (its title in a conflict). */
const aboutFields: Partial<Record<Kind, readonly string[]>> = {
  spending: ['fiscalYear', 'category', 'item'],
  participation: ['date', 'activity', 'title'],
  progress: ['milestone'],
  agendas: ['fiscalYear', 'title'],
  council: ['fiscalYear'],
};

/** Names and values of one workbook's kinds as /api/meta gives them, in the pane's language. */
export interface SyncNames {
  sheetOf(kind: Kind): string;
  labelOf(kind: Kind, field: string): string;
  /** A value as an official reads it: the dong's name, amounts with thousands separators, 예/아니오. */
  show(value: unknown, kind?: Kind, field?: string): string;
  /** The fields that say which row it is (dong, phase, and what the row is about). */
  rowTitle(kind: Kind, values: Record<string, unknown> | null | undefined): string;
  /** A row offered as a delete: its first six columns, or its id when the pane never saw it. */
  describeRow(kind: Kind, d: DeleteCandidate): string;
}

export function syncNames(meta: Pick<Meta, 'kinds' | 'dongs'>, locale: Locale): SyncNames {
  const kindOf = (kind: Kind) => meta.kinds.find((k) => k.kind === kind);
  const columnOf = (kind: Kind, field: string) => kindOf(kind)?.columns.find((c) => c.field === field) as { header: string; label?: string; type?: string } | undefined;
  const dongNames = new Map(meta.dongs.map((d) => [d.code, d.name]));
  const show = (v: unknown, kind?: Kind, field?: string): string => {
    if (v === null || v === undefined || v === '') return '–';
    if (typeof v === 'boolean') return locale === 'ko' ? (v ? '예' : '아니오') : v ? 'Yes' : 'No';
    const type = kind && field ? columnOf(kind, field)?.type : undefined;
    if (type === 'dong' && typeof v === 'string') return dongNames.get(v) ?? v;
    if ((type === 'money' || type === 'count') && typeof v === 'number') return v.toLocaleString('ko-KR');
    return String(v);
  };
  return {
    sheetOf: (kind) => kindOf(kind)?.sheet ?? kind,
    labelOf: (kind, field) => {
      const column = columnOf(kind, field);
      if (!column) return field;
      return locale === 'ko' ? column.header : (column.label ?? column.header);
    },
    show,
    rowTitle: (kind, values) => {
      if (!values) return '';
      return ['dong', 'phase', ...(aboutFields[kind] ?? [])]
        .map((f) => show(values[f], kind, f))
        .filter((t) => t !== '–')
        .join(' · ');
    },
    describeRow: (kind, d) => {
      if (!d.values) return d.rowId;
      const cols = kindOf(kind)?.columns.slice(0, 6) ?? [];
      return cols.map((c) => show(d.values?.[c.field], kind, c.field)).join(' · ');
    },
  };
}

/** What the results card lists for the outcomes of the last sync, in the order of the kinds synced. */
export interface ResultsModel {
  refused: ResultItem[];
  warnings: ResultItem[];
  skipped: SkippedItem[];
  /** Cells were marked by their fill alone (Excel before ExcelApi 1.10 has no notes or comments): the reasons are only in this list. */
  fillOnly: boolean;
}

export function resultsModel(outcomes: Iterable<KindOutcome>): ResultsModel {
  const all = [...outcomes];
  const fillOnly = all.some((o) => o.marksAs === 'fill' && o.refused.length + o.warnings.length > 0);
  return { refused: all.flatMap((o) => o.refused), warnings: all.flatMap((o) => o.warnings), skipped: all.flatMap((o) => o.skipped), fillOnly };
}

/** The connection badge: offline when the browser says so or a sync found the service unreachable. */
export function connectionModel(online: boolean, outcomes: Iterable<KindOutcome>, pending: number): { offline: boolean; pending: number } {
  return { offline: !online || [...outcomes].some((o) => o.offline), pending };
}

/** The progress bar: rows read against the table's rows, then rows sent against rows to send. */
export function progressModel(p: ProgressInfo): { max: number; value: number } {
  if (p.phase === 'read') return { max: Math.max(1, p.rowCount), value: p.rowsRead };
  const max = Math.max(1, p.rowsToSend);
  return { max, value: p.phase === 'done' ? max : p.rowsSent };
}

/** The fields a conflict shows: those whose values differ as an official reads them. */
export function conflictFields(c: Conflict, show: SyncNames['show']): string[] {
  const mine = c.mine;
  const theirs = c.server.deleted ? null : c.server.values;
  return [...new Set([...Object.keys(mine ?? {}), ...Object.keys(theirs ?? {})])].filter((f) => show(mine?.[f]) !== show(theirs?.[f]));
}

/** Rows gone from the tables, each with its kind, and the row ids to delete per kind. */
export function deleteModel(outcomes: Iterable<KindOutcome>): { entries: { kind: Kind; d: DeleteCandidate }[]; byKind: Map<Kind, string[]> } {
  const entries = [...outcomes].flatMap((o) => o.deleteCandidates.map((d) => ({ kind: o.kind, d })));
  const byKind = new Map<Kind, string[]>();
  for (const { kind, d } of entries) byKind.set(kind, [...(byKind.get(kind) ?? []), d.rowId]);
  return { entries, byKind };
}

/** Totals of a sync over several kinds, for the progress line. */
export function syncTotals(outcomes: Iterable<KindOutcome>): { read: number; sent: number; accepted: number } {
  const total = { read: 0, sent: 0, accepted: 0 };
  for (const o of outcomes) {
    total.read += o.rowsRead;
    total.sent += o.rowsSent;
    total.accepted += o.accepted + o.unchanged;
  }
  return total;
}
