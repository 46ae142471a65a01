import { fileURLToPath } from 'node:url';
import { daejeonReference, ReferenceIndex, type SheetReport } from '../../domain/index.ts';

export const ref = new ReferenceIndex(daejeonReference);

/** shared/ sits beside the repository clone (CI does the same). */
export const fixture = (name: string) => fileURLToPath(new URL(`../../../shared/fixtures/${name}`, import.meta.url));

export const rowAt = (report: SheetReport, row: number) => report.rows.find((r) => r.row === row);
export const rejectedAt = (report: SheetReport, row: number) => report.rejected.filter((r) => r.row === row);
export const skippedAt = (report: SheetReport, row: number) => report.skipped.find((r) => r.row === row);

/** Every row of a report's outcome, for "each row exactly one outcome" checks. */
export function outcomes(report: SheetReport): Map<number, 'accepted' | 'rejected' | 'skipped'> {
  const out = new Map<number, 'accepted' | 'rejected' | 'skipped'>();
  const set = (row: number, o: 'accepted' | 'rejected' | 'skipped') => {
    const had = out.get(row);
    if (had && had !== o) throw new Error(`row ${row} is both ${had} and ${o}`);
    out.set(row, o);
  };
  for (const r of report.rows) set(r.row, 'accepted');
  for (const r of report.rejected) set(r.row, 'rejected');
  for (const r of report.skipped) set(r.row, 'skipped');
  return out;
}
