// The figures of DESIGN.md "The metrics" computed again from the rows behind them (the drill-down
// shows this beside the number on screen, so a reader can see that the number is theirs). Pure: plain
// rows in, a number out; the reference data a figure needs (population, expected milestones) is given.
import { payCategories } from '../../../domain/codes.ts';

type Row = Record<string, unknown>;

/** What a figure needs besides its rows: the dong's population in the phase's year, the milestones expected of it. */
export interface RecomputeContext {
  population?: number | null;
  /** The milestones the city expects of the dong's cohort in that phase (/api/meta expectedMilestones). */
  expected?: readonly string[] | null;
  /** YYYY-MM-DD: what counts as past a planned date. */
  today?: string;
}

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const sum = (rows: Row[], field: string) => rows.reduce((s, r) => s + (num(r[field]) ?? 0), 0);
/** A sum that is blank when every value is blank (a blank is never a zero). */
const sumOrNull = (rows: Row[], field: string) => (rows.some((r) => num(r[field]) !== null) ? sum(rows, field) : null);
const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const perResident = (value: number | null, population: number | null | undefined, scale = 1) => (value !== null && population ? (value * scale) / population : null);
const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;
const text = (v: unknown) => (typeof v === 'string' ? v : null);

/** The phase's largest 주민총회: rows of the same day added, each its voters or else its participants. */
function largestAssembly(rows: Row[]): { voters: number; recordedVoters: number | null; votersOnline: number | null } | null {
  const byDay = new Map<string, Row[]>();
  for (const r of rows) {
    if (r.activity !== '주민총회') continue;
    const day = text(r.date) ?? '';
    byDay.set(day, [...(byDay.get(day) ?? []), r]);
  }
  let best: { voters: number; recordedVoters: number | null; votersOnline: number | null } | null = null;
  for (const same of byDay.values()) {
    const voters = same.reduce((s, r) => s + (num(r.voters) ?? num(r.participants) ?? 0), 0);
    if (!best || voters > best.voters) best = { voters, recordedVoters: sumOrNull(same, 'voters'), votersOnline: sumOrNull(same, 'votersOnline') };
  }
  return best;
}

/** Expected milestones done in the phase (distinct), and those done by their planned date. */
function expectedDone(rows: Row[], expected: readonly string[]): { done: number; onTime: number } {
  const wanted = new Set(expected);
  const done = new Set<string>();
  const onTime = new Set<string>();
  for (const r of rows) {
    const milestone = text(r.milestone);
    if (r.status !== '완료' || milestone === null || !wanted.has(milestone)) continue;
    done.add(milestone);
    const planned = text(r.plannedOn);
    const completed = text(r.completedOn);
    if (planned !== null && completed !== null && completed <= planned) onTime.add(milestone);
  }
  return { done: done.size, onTime: onTime.size };
}

/** An agenda adopted: 가결 says so, or where it is blank a status of 가결, 실행중 or 완료 (agenda_figures.sql). */
const isAdopted = (r: Row) => (typeof r.adopted === 'boolean' ? r.adopted : r.status === '가결' || r.status === '실행중' || r.status === '완료');
/** Put to the assembly: a 총회 상정일, or a status from 총회 상정 on. */
const isPut = (r: Row) => text(r.assemblyOn) !== null || ['총회 상정', '가결', '부결', '실행중', '완료'].includes(String(r.status));

/** The phase's latest council snapshot (by fiscal year, then as-of date). */
function latestSnapshot(rows: Row[]): Row | null {
  const key = (r: Row) => `${String(num(r.fiscalYear) ?? 0).padStart(6, '0')}|${text(r.asOf) ?? ''}`;
  return rows.reduce<Row | null>((best, r) => (best === null || key(r) > key(best) ? r : best), null);
}

/** The figure computed again from its rows, as DESIGN.md "The metrics" defines it; null when it cannot be. */
export function recompute(figure: string, rows: Row[], context: RecomputeContext = {}): number | null {
  const { population = null, expected = null, today = new Date().toISOString().slice(0, 10) } = context;
  const done = rows.filter((r) => r.status === '완료');
  const isPay = (r: Row) => (payCategories as readonly unknown[]).includes(r.category);
  switch (figure) {
    // spending
    case 'budgetKrw':
    case 'executedKrw':
    case 'carriedOverKrw':
    case 'returnedKrw':
      return sum(rows, figure);
    case 'executionRate':
      return ratio(sum(rows, 'executedKrw'), sum(rows, 'budgetKrw'));
    case 'carryOverRate':
      return ratio(sum(rows, 'carriedOverKrw'), sum(rows, 'budgetKrw'));
    case 'unspentRate':
      return ratio(sum(rows, 'budgetKrw') - sum(rows, 'executedKrw') - sum(rows, 'carriedOverKrw'), sum(rows, 'budgetKrw'));
    case 'discretionaryExecutionRate': {
      const own = rows.filter((r) => !isPay(r));
      return ratio(sum(own, 'executedKrw'), sum(own, 'budgetKrw'));
    }
    case 'executedPerResident':
      return perResident(sum(rows, 'executedKrw'), population);
    // participation
    case 'events':
      return rows.length;
    case 'attendances':
      return sum(rows, 'participants');
    case 'attendancesPer1000':
      return perResident(sum(rows, 'participants'), population, 1000);
    case 'newParticipants':
      return sumOrNull(rows, figure);
    case 'assemblyVoters':
      return largestAssembly(rows)?.voters ?? null;
    case 'assemblyTurnoutPer1000':
      return perResident(largestAssembly(rows)?.voters ?? null, population, 1000);
    case 'votersOnlineShare': {
      const assembly = largestAssembly(rows);
      return assembly?.votersOnline != null && assembly.recordedVoters ? assembly.votersOnline / assembly.recordedVoters : null;
    }
    // progress
    case 'expected':
      return expected ? expected.length : null;
    case 'completedExpected':
      return expected ? expectedDone(rows, expected).done : null;
    case 'completionRate':
      return expected?.length ? expectedDone(rows, expected).done / expected.length : null;
    case 'onTimeRate':
      return expected?.length ? expectedDone(rows, expected).onTime / expected.length : null;
    case 'milestones':
      return rows.length;
    case 'avgProgressPct': {
      const values = rows.map((r) => num(r.progressPct) ?? (r.status === '완료' ? 100 : null)).filter((v): v is number => v !== null);
      return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
    }
    case 'delayed':
      return rows.filter((r) => {
        const planned = text(r.plannedOn);
        const completed = text(r.completedOn);
        if (r.status === '지연') return true;
        if (r.status === '완료') return planned !== null && completed !== null && completed > planned;
        return planned !== null && planned < today;
      }).length;
    // agendas (자치계획)
    case 'agendas':
      return rows.length;
    case 'putToAssembly':
      return rows.filter(isPut).length;
    case 'adopted':
      return rows.filter(isAdopted).length;
    case 'adoptionRate':
      return ratio(rows.filter(isAdopted).length, rows.filter(isPut).length);
    case 'agendasCompleted':
      return rows.filter((r) => isAdopted(r) && r.status === '완료').length;
    case 'agendaCompletionRate':
      return ratio(rows.filter((r) => isAdopted(r) && r.status === '완료').length, rows.filter(isAdopted).length);
    case 'estimatedCostKrw':
      return sumOrNull(rows, figure);
    // council (위원구성): the latest snapshot
    case 'members':
    case 'seats':
      return num(latestSnapshot(rows)?.[figure]);
    case 'lotteryShare':
    case 'womenShare':
    case 'youthShare':
    case 'trainedShare': {
      const field = { lotteryShare: 'selectedByLottery', womenShare: 'women', youthShare: 'youth', trainedShare: 'trainingCompleted' }[figure];
      const snapshot = latestSnapshot(rows);
      const part = num(snapshot?.[field]);
      const members = num(snapshot?.members);
      return part === null || !members ? null : part / members;
    }
    case 'medianDelayDays':
      return median(done.filter((r) => text(r.plannedOn) !== null && text(r.completedOn) !== null).map((r) => days(r.plannedOn as string, r.completedOn as string)));
    default:
      return null;
  }
}
