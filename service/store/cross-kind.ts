/**
 * The warnings that read another kind's rows (README, "Rules"): an agenda's votes
 * over the voters of its dong's assembly (participation), and a spending line's 관련 의제 missing
 * from the dong's 자치계획 of that year (agendas). What they read is read here, before the writer
 * decides (`readCrossKind`); the judgement is the rules' (domain/rules.ts `crossKindIssues`), added
 * to the accepted and unchanged rows' warnings (`addCrossKindWarnings`). They read the analytic
 * views, so only live rows already stored count.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { crossKindIssues, type AssemblyDay, type CheckedRow, type Kind, type ReferenceIndex, type RowResult } from '../../domain/index.ts';
import type { Readers } from './readers.ts';

/** What a batch's cross-kind warnings read: the assemblies of its agendas' dongs, or the plans its lines name. */
export interface CrossKindSeen {
  assemblies?: AssemblyDay[];
  planTitles?: Set<string>;
}

const typed = (rows: readonly CheckedRow[]) => rows.flatMap((r) => (r.values ? [r.values] : []));

/** Reads what the cross-kind warnings of these checked rows need (nothing for the kinds without any). */
export async function readCrossKind(readers: Readers, kind: Kind, rows: readonly CheckedRow[], connection: DuckDBConnection): Promise<CrossKindSeen> {
  if (kind === 'agendas') {
    const dongs = [
      ...new Set(
        typed(rows)
          .filter((v) => v.votesFor != null || v.votesAgainst != null)
          .map((v) => String(v.dong)),
      ),
    ];
    if (dongs.length === 0) return {};
    const found = await readers.rows(
      `SELECT dong, phase, strftime(date, '%Y-%m-%d') AS date, CAST(sum(coalesce(voters, participants)) AS DOUBLE) AS voters
       FROM participation
       WHERE activity = '주민총회' AND date IS NOT NULL AND dong IN (SELECT unnest(from_json($dongs::JSON, '["VARCHAR"]')))
       GROUP BY dong, phase, date`,
      { dongs: JSON.stringify(dongs) },
      connection,
    );
    return { assemblies: found.map((r) => ({ dong: String(r.dong), phase: r.phase === null ? null : Number(r.phase), date: String(r.date), voters: Number(r.voters) })) };
  }
  if (kind === 'spending') {
    const years = new Map<string, { dong: string; fy: number }>();
    for (const { values: v } of rows) {
      if (v && typeof v.agenda === 'string' && v.agenda.trim() !== '' && typeof v.fiscalYear === 'number')
        years.set(`${String(v.dong)}|${v.fiscalYear}`, { dong: String(v.dong), fy: v.fiscalYear });
    }
    if (years.size === 0) return {};
    const found = await readers.rows(
      `SELECT DISTINCT a.dong, a.fiscalYear, trim(a.title) AS title FROM agendas a
       SEMI JOIN (SELECT k.dong, k.fy FROM (SELECT unnest(from_json($years::JSON, '[{"dong":"VARCHAR","fy":"INTEGER"}]')) AS k)) y
         ON a.dong = y.dong AND a.fiscalYear = y.fy
       WHERE a.title IS NOT NULL`,
      { years: JSON.stringify([...years.values()]) },
      connection,
    );
    return { planTitles: new Set(found.map((r) => `${String(r.dong)}|${String(r.fiscalYear)}|${String(r.title)}`)) };
  }
  return {};
}

/** Adds the cross-kind warnings to a decided batch's accepted and unchanged rows (`sent[i]` is the row of `rows[i]`). */
export function addCrossKindWarnings(
  kind: Kind,
  sent: readonly { rowId: string }[],
  rows: readonly CheckedRow[],
  results: RowResult[],
  seen: CrossKindSeen,
  ref: ReferenceIndex,
): void {
  if (!seen.assemblies && !seen.planTitles) return;
  const byId = new Map(results.map((r) => [r.rowId, r]));
  rows.forEach((checked, i) => {
    const result = byId.get(sent[i]!.rowId.toLowerCase());
    if (!checked.values || !result || (result.status !== 'accepted' && result.status !== 'unchanged')) return;
    const more = crossKindIssues(kind, checked.values, ref, seen);
    if (more.length > 0) result.warnings = [...(result.warnings ?? []), ...more];
  });
}
