/**
 * The named comparisons (README, "Comparisons"): one SQL file each, parameters always bound.
 * They read only the analytic views (spending, participation, progress) and the reference tables.
 */
import { BOOLEAN, DOUBLE, INTEGER, LIST, VARCHAR, listValue, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import {
  comparisonFilterSchemas,
  comparisonNames,
  filterError,
  flagRules,
  headlineFigureKind,
  headlineFigures,
  metrics,
  milestones,
  payCategories,
  type Message,
  type ComparisonName,
  type HeadlineFigure,
  type Kind,
  type ReferenceIndex,
} from '../../../domain/index.ts';
import { readMaterialized, type QueryResult } from './result.ts';
import { comparisonSql, defineShared } from './sql-files.ts';
import { keptTables, readsKeptTotals, withKeptTotals, type KeptChanges } from './kept.ts';
import { runKept } from '../statements.ts';

export { readMaterialized, type QueryResult, type ResultColumn } from './result.ts';
export { toArrowIPC, toArrowTable, toCsv } from './encode.ts';

export { defineShared, sharedDefinitions } from './sql-files.ts';
export { comparisonSql };

/** Every SQL file of the comparisons and drill-downs (for the test that prepares each one). */
export const sqlFiles = [
  'spending.sql',
  'participation.sql',
  'progress.sql',
  'phases.sql',
  'summary.sql',
  'drilldown_spending.sql',
  'drilldown_participation.sql',
  'drilldown_progress.sql',
  'agendas.sql',
  'council.sql',
  'governance.sql',
  'drilldown_governance.sql',
  'drilldown_agendas.sql',
  'drilldown_council.sql',
  ...Object.keys(keptTables).map((table) => `${table}.sql`),
];

/**
 * The kinds of rows each comparison reads (its query file's views, the shared views, macros and kept
 * totals it names, and all): an answer stays
 * right while these kinds have not changed (test/compare/answers.test.ts checks each file against it).
 */
export const comparisonKinds: Record<ComparisonName, readonly Kind[]> = {
  spending: ['spending'],
  participation: ['participation'],
  progress: ['progress'],
  agendas: ['agendas', 'spending'],
  council: ['council'],
  governance: ['participation', 'progress'],
  phases: ['spending', 'participation', 'progress', 'agendas'],
  summary: ['spending', 'participation', 'progress', 'agendas'],
};

/** Comparisons whose every row rests on one dong's rows alone (the others compare a dong with its city's groups, or units above the dong). */
const perDong: ReadonlySet<ComparisonName> = new Set(['spending', 'participation', 'progress', 'agendas', 'council', 'phases']);

/** Whether every row of a comparison rests on one dong's rows alone (its answers ordered by district and dong first). */
export const isPerDong = (name: string): boolean => isComparisonName(name) && perDong.has(name);

/**
 * The unit a comparison's JSON answer can be made again by, a run of its rows at a time
 * (compare/splice.ts): the dong for the per-dong comparisons (ordered by district and dong first),
 * the city for the summary (its groups and flags are a city's, its rows ordered by city first);
 * undefined for the others.
 */
export function blockUnit(name: string): 'dong' | 'city' | undefined {
  if (isPerDong(name)) return 'dong';
  return name === 'summary' ? 'city' : undefined;
}

/**
 * The units (dongs, or districts and cities for the rows above them) whose rows an answer rests on,
 * as a test of a unit's code; undefined when it rests on every unit. For the comparisons of one
 * dong at a time, the dongs the filters choose; for the summary, the whole cities they touch (its
 * groups are a city's), the cities named; governance, every unit. A code the reference does not name as a dong is
 * always in scope. A change of rows outside the scope cannot change the answer.
 */
export function comparisonScope(name: string, params: ComparisonParams, index: ReferenceIndex): ((unit: string) => boolean) | undefined {
  if (!isComparisonName(name) || (!perDong.has(name) && name !== 'summary')) return undefined;
  const { today: _today, ...given } = params;
  const parsed = comparisonFilterSchemas[name].safeParse(Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)));
  if (!parsed.success) return undefined;
  const f = parsed.data as { district?: string[]; dong?: string[]; cohort?: number[]; city?: string[] };
  const some = (list: readonly unknown[] | undefined) => list !== undefined && list.length > 0;
  if (!perDong.has(name)) {
    // The summary's group rows are every city's unless cities are named: only those limit it.
    if (!some(f.city)) return undefined;
    const cities = new Set(f.city);
    return (unit) => {
      const dong = index.dongByCode.get(unit);
      return dong === undefined || cities.has(dong.city);
    };
  }
  if (!some(f.city) && !some(f.district) && !some(f.dong) && !some(f.cohort)) return undefined;
  return (unit) => {
    const d = index.dongByCode.get(unit);
    return (
      d === undefined ||
      ((!some(f.city) || f.city!.includes(d.city)) &&
        (!some(f.district) || f.district!.includes(d.district)) &&
        (!some(f.dong) || f.dong!.includes(d.code)) &&
        (!some(f.cohort) || f.cohort!.includes(d.joinedPhase)))
    );
  };
}

/** Parameters of a comparison: the filters of domain/metrics.ts, plus `today` for the progress figures. */
export interface ComparisonParams {
  phase?: number[] | number | string | string[];
  district?: string[] | string;
  dong?: string[] | string;
  cohort?: number[] | number | string | string[];
  city?: string[] | string;
  /** summary only: list every dong with its rank (for analysts). */
  rank?: boolean | string;
  /** The day "past its plan" is judged against (YYYY-MM-DD); default the database's current_date. */
  today?: string;
}

type Bound = { values: Record<string, DuckDBValue>; types: Record<string, DuckDBType> };

const intList = (v: number[] | undefined) => (v && v.length > 0 ? listValue(v) : null);
const strList = (v: string[] | undefined) => (v && v.length > 0 ? listValue(v) : null);

/** A refused comparison or drill-down request: `code`, the parameter at fault, a bilingual message. */
export class ComparisonError extends Error {
  readonly text: Message;
  constructor(
    readonly code: 'invalid_filter' | 'unknown_comparison' | 'invalid_drilldown',
    message: Message | string,
    readonly filter?: string,
  ) {
    const text = typeof message === 'string' ? { ko: message, en: message } : message;
    super(text.en);
    this.text = text;
    this.name = 'ComparisonError';
  }
}

const unknownComparison = (name: string) =>
  new ComparisonError('unknown_comparison', {
    ko: `'${name.slice(0, 40)}'은(는) 없는 비교입니다 (${comparisonNames.join(', ')}).`,
    en: `Unknown comparison '${name.slice(0, 40)}' (${comparisonNames.join(', ')}).`,
  });

export function isComparisonName(name: string): name is ComparisonName {
  return (comparisonNames as readonly string[]).includes(name);
}

function bind(name: ComparisonName, params: ComparisonParams): Bound {
  const { today, ...given } = params;
  const filters = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const parsed = comparisonFilterSchemas[name].safeParse(filters);
  if (!parsed.success) {
    const { filter, message } = filterError(parsed.error);
    throw new ComparisonError('invalid_filter', message, filter);
  }
  const f = parsed.data as { phase?: number[]; district?: string[]; dong?: string[]; cohort?: number[]; city?: string[]; rank?: boolean };
  if (today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(today)) {
    throw new ComparisonError('invalid_filter', { ko: '기준일(today)은 YYYY-MM-DD 형식이어야 합니다.', en: "Invalid filter 'today': use YYYY-MM-DD." }, 'today');
  }
  const lists = {
    values: { districts: strList(f.district), dongs: strList(f.dong), cohorts: intList(f.cohort), cities: strList(f.city) } as Record<string, DuckDBValue>,
    types: { districts: LIST(VARCHAR), dongs: LIST(VARCHAR), cohorts: LIST(INTEGER), cities: LIST(VARCHAR) } as Record<string, DuckDBType>,
  };
  const set = (key: string, value: DuckDBValue, type: DuckDBType) => {
    lists.values[key] = value;
    lists.types[key] = type;
  };
  const withPhases = () => set('phases', intList(f.phase), LIST(INTEGER));
  // What the headline figures need: the day "begun" is judged on (the kept totals leave out the pay lines).
  const withFigures = () => set('today', today ?? null, VARCHAR);
  switch (name) {
    case 'spending':
      withPhases();
      set('payCategories', listValue([...payCategories]), LIST(VARCHAR));
      return lists;
    case 'participation':
    case 'agendas':
    case 'council':
    case 'governance':
      withPhases();
      return lists;
    case 'progress':
      withPhases();
      set('today', today ?? null, VARCHAR);
      set('milestoneOrder', listValue([...milestones]), LIST(VARCHAR));
      return lists;
    case 'summary':
      withPhases();
      withFigures();
      set('rank', f.rank ?? false, BOOLEAN);
      set('per1000Figures', listValue(headlineFigures.filter((h) => metrics[h].unit === 'per1000')), LIST(VARCHAR));
      set('minGapRate', flagRules.minGapRate, DOUBLE);
      set('minGapPer1000Share', flagRules.minGapPer1000Share, DOUBLE);
      set('minGroupForLow', flagRules.minGroupForLow, INTEGER);
      set('figureOrder', listValue([...headlineFigures]), LIST(VARCHAR));
      return lists;
    case 'phases': {
      // The phase filter picks the two phases compared (earlier first); by default 1 and 2.
      const chosen = [...new Set(f.phase ?? [])].sort((a, b) => a - b);
      if (chosen.length !== 0 && chosen.length !== 2) {
        throw new ComparisonError(
          'invalid_filter',
          { ko: '단계 비교(phases)의 phase 필터는 두 단계여야 합니다 (예: phase=1,2).', en: "Invalid filter 'phase': phases compares exactly two phases (e.g. phase=1,2)." },
          'phase',
        );
      }
      set('phaseA', chosen[0] ?? 1, INTEGER);
      set('phaseB', chosen[1] ?? 2, INTEGER);
      withFigures();
      return lists;
    }
  }
}

/** A named comparison ready to run: its query file and the parameters bound for `params`. */
export interface PreparedComparison {
  sql: string;
  values: Record<string, DuckDBValue>;
  types: Record<string, DuckDBType>;
}

/** The query of one named comparison and its bound parameters. Throws ComparisonError for a bad name or filter. */
export function prepareComparison(name: string, params: ComparisonParams = {}): PreparedComparison {
  if (!isComparisonName(name)) throw unknownComparison(name);
  return { sql: comparisonSql(`${name}.sql`), ...bind(name, params) };
}

/**
 * Runs one named comparison. Rows carry `district`, `dong` (code), `dongName`, `phase` and the
 * figures of domain/metrics.ts, JSON-safe. Throws ComparisonError for a bad name or filter.
 */
export async function runComparison(connection: DuckDBConnection, name: string, params: ComparisonParams = {}, kept?: KeptChanges): Promise<QueryResult> {
  const { sql, values, types } = prepareComparison(name, params);
  await defineShared(connection);
  const read = async () => readMaterialized(await runKept(connection, sql, values, types));
  const { columns, rows } = readsKeptTotals(name) ? await withKeptTotals(connection, kept, read) : await read();
  return { columns, rows };
}

/** Which kind of rows lies behind each headline figure (for drill-down from phases and summary). */
export const figureKind: Record<HeadlineFigure, Kind> = headlineFigureKind;

export interface DrilldownParams {
  dong: string;
  phase: number;
  /** spending: one category; absent or null opens the dong × phase row of all lines. */
  category?: string | null;
  /** phases and summary: which headline figure's rows (domain/metrics.ts headlineFigures). */
  figure?: string;
  /** The reader's scope (from the token): only rows of these dongs are returned. */
  scope?: { dongs?: string[] };
}

export interface DrilldownResult extends QueryResult {
  kind: Kind;
}

/**
 * The rows behind one comparison row, with rowId, revision, the values, updatedBy, updatedAt and
 * source (the workbook). Their sums are the row's figures. Rows outside `scope.dongs` are never
 * returned (an empty scope list returns nothing).
 */
export async function runDrilldown(connection: DuckDBConnection, name: string, params: DrilldownParams): Promise<DrilldownResult> {
  if (!isComparisonName(name)) throw unknownComparison(name);
  let kind: Kind;
  if (name === 'phases' || name === 'summary') {
    if (!(headlineFigures as readonly string[]).includes(params.figure ?? '')) {
      throw new ComparisonError(
        'invalid_drilldown',
        { ko: `지표(figure)는 ${headlineFigures.join(', ')} 중 하나여야 합니다.`, en: `figure must be one of ${headlineFigures.join(', ')}.` },
        'figure',
      );
    }
    kind = figureKind[params.figure as HeadlineFigure];
  } else {
    kind = name === 'governance' ? 'participation' : name;
  }
  if (typeof params.dong !== 'string' || params.dong === '') throw new ComparisonError('invalid_drilldown', { ko: '동(dong)을 지정하세요.', en: 'dong is required.' }, 'dong');
  if (!Number.isInteger(params.phase) || params.phase < 1)
    throw new ComparisonError('invalid_drilldown', { ko: '단계(phase)는 1 이상의 정수여야 합니다.', en: 'phase must be a whole number ≥ 1.' }, 'phase');
  const scopeDongs = params.scope?.dongs;
  const values: Record<string, DuckDBValue> = {
    dong: params.dong,
    phase: params.phase,
    scopeDongs: scopeDongs === undefined ? null : listValue(scopeDongs.length > 0 ? scopeDongs : ['\u0000none']),
  };
  const types: Record<string, DuckDBType> = { dong: VARCHAR, phase: INTEGER, scopeDongs: LIST(VARCHAR) };
  if (kind === 'spending') {
    values.category = params.category ?? null;
    types.category = VARCHAR;
    values.payCategories = listValue([...payCategories]);
    types.payCategories = LIST(VARCHAR);
  }
  const result = await runKept(connection, comparisonSql(name === 'governance' ? 'drilldown_governance.sql' : `drilldown_${kind}.sql`), values, types);
  const { columns, rows } = readMaterialized(result);
  return { kind, columns, rows };
}
