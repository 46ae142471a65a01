import { z } from 'zod';
import { codesOf, sheets, serviceOwnedFields, unitKinds, type ColumnDef, type Kind } from './sheets.ts';
import { rowIssue, type Issue, type RowMessageCode } from './messages.ts';
import { epochDay, parseIsoDate } from './dates.ts';
import type { ReferenceIndex } from './reference.ts';

/**
 * A typed value of one field after the rules: every column present, a blank is null. Never an
 * object: a field's check answers an issue (an object) where it refuses the value.
 */
export type FieldValue = string | number | boolean | null;
/** Fails to compile should an object type join `FieldValue` (checkRow tells issues from values by that). */
const fieldValuesAreNotObjects: [Extract<FieldValue, object>] extends [never] ? true : never = true;
void fieldValuesAreNotObjects;
export type RowValues = Record<string, FieldValue>;

/**
 * The largest amount (won) or count accepted in one cell: 1조 (10^12), far beyond any dong's budget
 * line, and small enough that the sums of a whole country stay exact JSON numbers.
 */
export const maxMoney = 1_000_000_000_000;
export const maxTextLength = 1000;

export interface CheckedRow {
  /** The row's values, typed, every column present, `dong` as its code. Undefined when rejected. */
  values?: RowValues;
  errors: Issue[];
  warnings: Issue[];
}

const issue = (column: ColumnDef, code: RowMessageCode, value?: unknown) => rowIssue(column, code, value);

/**
 * One field of a row: its typed value, or the issue that refuses it (an object, where a value never
 * is one; no wrapper is made for each of a batch's 75,000 cells).
 */
function checkField(column: ColumnDef, raw: unknown, ref: ReferenceIndex, kind?: Kind): FieldValue | Issue {
  if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) {
    return column.required ? issue(column, 'required') : null;
  }
  switch (column.type) {
    case 'text':
      if (typeof raw !== 'string') return issue(column, 'not_text', raw);
      if (raw.length > maxTextLength) return issue(column, 'too_long');
      return raw.trim();
    case 'code': {
      const codes = codesOf(column) ?? [];
      if (typeof raw !== 'string' || !codes.includes(raw)) return issue(column, 'unknown_code', raw);
      return raw;
    }
    case 'dong': {
      if (typeof raw !== 'string') return issue(column, 'unknown_dong', raw);
      const dong = ref.resolveDong(raw.trim());
      if (dong === 'ambiguous') return issue(column, 'ambiguous_dong', raw);
      if (dong) return dong.code;
      // Participation and progress rows may name the district or the city (their own work).
      const unit = kind && unitKinds.includes(kind) ? ref.resolveUnit(raw) : undefined;
      if (unit) return unit.code;
      return issue(column, 'unknown_dong', raw);
    }
    case 'phase':
      if (typeof raw !== 'number' || !ref.hasPhase(raw)) return issue(column, 'unknown_phase', raw);
      return raw;
    case 'year':
      if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1900 || raw > 9999) {
        return issue(column, 'invalid_year', raw);
      }
      return raw;
    case 'money':
    case 'count':
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return issue(column, 'not_number', raw);
      if (!Number.isInteger(raw)) return issue(column, 'not_whole', raw);
      if (raw < 0) return issue(column, 'negative', raw);
      if (raw > maxMoney) return issue(column, 'too_large', raw);
      return raw;
    case 'percent':
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return issue(column, 'not_number', raw);
      if (raw < 0 || raw > 100) return issue(column, 'out_of_range', raw);
      return raw;
    case 'date':
      if (typeof raw !== 'string' || !parseIsoDate(raw)) return issue(column, 'invalid_date', raw);
      return raw;
    case 'boolean':
      if (typeof raw !== 'boolean') return issue(column, 'not_boolean', raw);
      return raw;
  }
}

const fieldLabel = (kind: Kind, field: string) => {
  const column = sheets[kind].columns.find((c) => c.field === field);
  return column ?? { field, header: field, label: field };
};

/** Each kind's fields, and the service's own, for telling a row's keys apart quickly. */
const fieldsOf = Object.fromEntries(Object.values(sheets).map((sheet) => [sheet.kind, new Set(sheet.columns.map((c) => c.field))])) as unknown as Record<Kind, ReadonlySet<string>>;
const serviceOwned: ReadonlySet<string> = new Set(serviceOwnedFields);
/** Each kind's row with every field blank, in the sheet's column order. */
const blankRows = Object.fromEntries(Object.values(sheets).map((sheet) => [sheet.kind, Object.fromEntries(sheet.columns.map((c) => [c.field, null]))])) as unknown as Record<
  Kind,
  RowValues
>;

/**
 * Applies every rule of README "Rules" to one row's typed values: the fields, then the rules between
 * fields (errors), then the warnings. The lenient reading of messy cells happens before, in the
 * normaliser; here a value is either of its type or refused.
 */
export function checkRow(kind: Kind, input: Record<string, unknown>, ref: ReferenceIndex): CheckedRow {
  const sheet = sheets[kind];
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  // A queued batch from a first-wave add-in still says `votes`: it is the voters (README, "Rules").
  if (kind === 'participation' && 'votes' in input && !('voters' in input)) {
    const { votes, ...rest } = input;
    input = { ...rest, voters: votes };
  }
  const known = fieldsOf[kind];
  for (const key in input) {
    if (serviceOwned.has(key)) errors.push(rowIssue({ field: key, header: key, label: key }, 'service_owned'));
    else if (!known.has(key)) errors.push(rowIssue({ field: key, header: key, label: key }, 'unknown_field'));
  }
  // Every field in the sheet's order from the start: the stores below change no object's shape.
  const values: RowValues = { ...blankRows[kind] };
  for (const column of sheet.columns) {
    const checked = checkField(column, input[column.field], ref, kind);
    if (typeof checked === 'object' && checked !== null) errors.push(checked);
    else values[column.field] = checked;
  }
  if (errors.length > 0) return { errors, warnings };

  // Phases are each city's own: the row's phase must be one of its dong's (or unit's) city.
  const phase = ref.phaseOf(ref.cityOf(values.dong as string), values.phase as number);
  if (!phase) return { errors: [issue(sheet.columns.find((c) => c.field === 'phase')!, 'unknown_phase', values.phase)], warnings };
  const dong = ref.dongByCode.get(values.dong as string);
  if (dong && phase && phase.phase < dong.joinedPhase) warnings.push(rowIssue(fieldLabel(kind, 'phase'), 'before_joined', `${dong.name}|${dong.joinedPhase}`));
  const population = dong && phase ? dong.population[String(phase.year)] : undefined;
  kindRules[kind](values, new RuleContext(kind, values, phase, population, errors, warnings));
  return errors.length > 0 ? { errors, warnings } : { values, errors, warnings };
}

/**
 * What a kind's rules between fields are given: the row's field labels, where to write issues, and
 * the checks every kind shares. A class, not closures made for each row: a batch checks 5,000 rows.
 */
class RuleContext {
  constructor(
    private readonly kind: Kind,
    private readonly values: RowValues,
    private readonly phase: { start: string; end: string } | undefined,
    private readonly population: number | undefined,
    readonly errors: Issue[],
    readonly warnings: Issue[],
  ) {}

  /** A field's column, as issues name it. */
  f(field: string): { field: string; header: string; label: string } {
    return fieldLabel(this.kind, field);
  }

  /** Warns when a count is over the dong's population in the phase's year. */
  overPopulation(field: string): void {
    const n = this.values[field];
    if (typeof n === 'number' && this.population !== undefined && n > this.population) this.warnings.push(rowIssue(this.f(field), 'over_population', `${n}|${this.population}`));
  }

  /** Warns when a date lies outside its phase's period. */
  outside(field: string): void {
    const date = this.values[field];
    if (typeof date === 'string' && this.phase && (date < this.phase.start || date > this.phase.end)) {
      this.warnings.push(rowIssue(this.f(field), 'outside_phase', date));
    }
  }
}

/** The rules between the fields of each kind (errors and warnings), on values already of their types. */
const kindRules: Record<Kind, (values: RowValues, at: RuleContext) => void> = {
  spending(values, at) {
    // Executed, carried over and returned together cannot exceed the line's budget.
    const budget = values.budgetKrw as number;
    const used = ((values.executedKrw as number | null) ?? 0) + ((values.carriedOverKrw as number | null) ?? 0) + ((values.returnedKrw as number | null) ?? 0);
    const anyUsed = values.executedKrw !== null || values.carriedOverKrw !== null || values.returnedKrw !== null;
    if (anyUsed && used > budget)
      at.warnings.push(rowIssue(at.f(values.executedKrw !== null ? 'executedKrw' : values.carriedOverKrw !== null ? 'carriedOverKrw' : 'returnedKrw'), 'over_budget', used));
    at.outside('executedOn');
  },
  participation(values, at) {
    const fresh = values.newParticipants;
    if (typeof fresh === 'number' && fresh > (values.participants as number)) {
      at.errors.push(rowIssue(at.f('newParticipants'), 'new_over_participants', fresh));
    }
    const online = values.votersOnline;
    if (typeof online === 'number' && (values.voters === null || online > (values.voters as number))) {
      at.errors.push(rowIssue(at.f('votersOnline'), 'online_over_voters', online));
    }
    at.overPopulation('participants');
    at.overPopulation('voters');
    at.outside('date');
  },
  progress(values, at) {
    const done = values.status === '완료';
    const completedOn = values.completedOn;
    const pct = values.progressPct;
    if (done && completedOn === null) at.errors.push(rowIssue(at.f('completedOn'), 'done_without_date'));
    if (done && typeof pct === 'number' && pct < 100) at.errors.push(rowIssue(at.f('progressPct'), 'done_under_100', pct));
    if (!done && completedOn !== null) at.errors.push(rowIssue(at.f('completedOn'), 'date_without_done', completedOn));
    const plannedOn = values.plannedOn;
    if (done && typeof completedOn === 'string' && typeof plannedOn === 'string' && epochDay(completedOn) > epochDay(plannedOn)) {
      at.warnings.push(rowIssue(at.f('completedOn'), 'completed_late', completedOn));
    }
    at.outside('completedOn');
  },
  agendas(values, at) {
    // An agenda done has its 완료일; a 완료일 means done; 가결 cannot say it was not adopted.
    const done = values.status === '완료';
    const completedOn = values.completedOn;
    if (done && completedOn === null) at.errors.push(rowIssue(at.f('completedOn'), 'done_without_date'));
    if (!done && completedOn !== null) at.errors.push(rowIssue(at.f('completedOn'), 'date_without_done', completedOn));
    if (values.status === '가결' && values.adopted === false) at.errors.push(rowIssue(at.f('adopted'), 'adopted_not_adopted'));
    at.outside('assemblyOn');
    at.outside('completedOn');
  },
  council(values, at) {
    const members = values.members as number;
    const seats = values.seats;
    if (typeof seats === 'number' && members > seats) at.errors.push(rowIssue(at.f('members'), 'members_over_seats', members));
    for (const field of ['women', 'youth', 'trainingCompleted']) {
      const n = values[field];
      if (typeof n === 'number' && n > members) at.errors.push(rowIssue(at.f(field), 'over_members', n));
    }
    at.outside('asOf');
  },
};

/** zod schema of one field's typed value (as the API takes it, before the reference checks). */
export function fieldSchema(column: ColumnDef): z.ZodType<FieldValue> {
  const base = ((): z.ZodType<Exclude<FieldValue, null>> => {
    switch (column.type) {
      case 'text':
        return z.string().max(maxTextLength);
      case 'code':
        return z.enum(codesOf(column) as [string, ...string[]]);
      case 'dong':
        return z.string().min(1);
      case 'phase':
      case 'year':
        return z.number().int();
      case 'money':
      case 'count':
        return z.number().int().nonnegative().max(maxMoney);
      case 'percent':
        return z.number().min(0).max(100);
      case 'date':
        return z.string().refine((s) => parseIsoDate(s) !== undefined, 'YYYY-MM-DD');
      case 'boolean':
        return z.boolean();
    }
  })();
  return column.required ? base : base.nullable();
}

/** zod schemas of each kind's typed row values (every field; optional ones may be null or absent). */
export const rowValueSchemas = Object.fromEntries(
  Object.values(sheets).map((sheet) => [
    sheet.kind,
    z.strictObject(Object.fromEntries(sheet.columns.map((c) => [c.field, c.required ? fieldSchema(c) : fieldSchema(c).optional()]))),
  ]),
) as Record<Kind, z.ZodObject>;

/** A live budget line as the cross-row warnings see it. */
export interface SpendingLine {
  rowId: string;
  dong: string;
  fiscalYear: number;
  category: string;
  item: string | null;
  budgetKrw: number;
}

/** A dong's fiscal year as the line warnings key it (`dong|fiscalYear`, the keys of their `totals`). */
export const dongYearKey = (dong: string, fiscalYear: number) => `${dong}|${fiscalYear}`;

/** A line's duplicate key from its dong-year's (`dongYearKey`) and the rest of the key. */
export const lineKeyIn = (dongYear: string, category: string, item: string | null, budgetKrw: number) => `${dongYear}|${category}|${(item ?? '').trim()}|${budgetKrw}`;

/** What makes two budget lines likely duplicates: dong, year, category, item (trimmed) and budget. */
export const spendingLineKey = (l: Omit<SpendingLine, 'rowId'>) => lineKeyIn(dongYearKey(l.dong, l.fiscalYear), l.category, l.item, l.budgetKrw);

function joinGroup(map: Map<string, SpendingLine | SpendingLine[]>, key: string, line: SpendingLine): void {
  const group = map.get(key);
  if (group === undefined) map.set(key, line);
  else if (Array.isArray(group)) group.push(line);
  else map.set(key, [group, line]);
}

function addIssue(out: Map<string, Issue[]>, rowId: string, issue: Issue): void {
  const list = out.get(rowId);
  if (list) list.push(issue);
  else out.set(rowId, [issue]);
}

/**
 * The warnings that need a dong's other lines (README, "Rules") are two: the lines of a dong and
 * fiscal year adding up to more than its allocation, and a line repeating another live line of the
 * same dong, year, category, item and budget. The service keeps each dong-year's total and counts
 * its lines by key (service/store/line-book.ts), and asks these two for the messages.
 *
 * The warning of a dong-year whose lines' budgets add up to `total`, more than its allocation (both
 * sums named), or undefined. One message for the year, shared by its lines (formatting it per line
 * costs more than the check).
 */
export function overAllocationIssue(dong: string, fiscalYear: number, total: number, ref: ReferenceIndex): Issue | undefined {
  const allocation = ref.allocationOf(dong, fiscalYear);
  if (allocation === undefined || total <= allocation) return undefined;
  const name = ref.dongByCode.get(dong)?.name ?? dong;
  return rowIssue(fieldLabel('spending', 'budgetKrw'), 'over_allocation', `${name}|${fiscalYear}|${total}|${allocation}`);
}

/**
 * The likely duplicates among `lines` (the same `spendingLineKey`), added to `out` for the rows of
 * `forRows`: each line names the first other line of its group; the first line of the group names the second.
 */
export function duplicateLineWarnings(lines: readonly SpendingLine[], forRows: ReadonlySet<string>, out: Map<string, Issue[]>): void {
  const byKey = new Map<string, SpendingLine | SpendingLine[]>();
  for (const line of lines) joinGroup(byKey, spendingLineKey(line), line);
  const itemField = fieldLabel('spending', 'item');
  for (const group of byKey.values()) {
    if (!Array.isArray(group) || !group.some((l) => forRows.has(l.rowId))) continue;
    const [a, b] = group as [SpendingLine, SpendingLine];
    const naming = (other: SpendingLine) => rowIssue(itemField, 'likely_duplicate', `${other.category}|${other.item ?? ''}|${other.budgetKrw}|${other.rowId}`);
    const namesA = naming(a);
    const namesB = naming(b);
    for (const line of group) if (forRows.has(line.rowId)) addIssue(out, line.rowId, line === a ? namesB : namesA);
  }
}

/**
 * The order a workbook's kinds sync in, so that what a kind's cross-kind warnings read is stored
 * first: the assemblies (participation) before the agendas whose votes they bound, the agendas
 * before the spending lines that name them.
 */
export const crossKindOrder = ['participation', 'progress', 'agendas', 'council', 'spending'] as const satisfies readonly Kind[];

/** One day's 주민총회 of a dong, as the cross-kind warnings see it: its rows' voters (or participants where voters is blank) added. */
export interface AssemblyDay {
  dong: string;
  phase: number | null;
  date: string;
  voters: number;
}

/**
 * The warnings that need another kind's rows (README, "Rules"), for one typed row:
 * - agendas: votesFor + votesAgainst over the voters of that dong's assembly — the 주민총회 of its
 *   총회 상정일, or where none is recorded that day (or the date is blank) the phase's largest;
 *   no assembly recorded, no warning;
 * - spending: a 관련 의제 that the dong's 자치계획 of that fiscal year lacks (`planTitles` holds
 *   `dong|fiscalYear|title`, titles trimmed, as agendas.sql links them).
 */
export function crossKindIssues(kind: Kind, values: RowValues, ref: ReferenceIndex, seen: { assemblies?: readonly AssemblyDay[]; planTitles?: ReadonlySet<string> }): Issue[] {
  const dongName = (code: string) => ref.dongByCode.get(code)?.name ?? code;
  if (kind === 'agendas' && seen.assemblies) {
    const votes = (typeof values.votesFor === 'number' ? values.votesFor : 0) + (typeof values.votesAgainst === 'number' ? values.votesAgainst : 0);
    if (values.votesFor == null && values.votesAgainst == null) return [];
    const own = seen.assemblies.filter((a) => a.dong === values.dong);
    const sameDay = own.find((a) => a.date === values.assemblyOn);
    const assembly = sameDay ?? own.filter((a) => a.phase === values.phase).reduce<AssemblyDay | undefined>((best, a) => (!best || a.voters > best.voters ? a : best), undefined);
    if (!assembly || votes <= assembly.voters) return [];
    const field = fieldLabel('agendas', values.votesFor != null ? 'votesFor' : 'votesAgainst');
    return [rowIssue(field, 'votes_over_voters', `${votes}|${assembly.voters}|${dongName(assembly.dong)}|${assembly.date}`)];
  }
  if (kind === 'spending' && seen.planTitles) {
    const agenda = typeof values.agenda === 'string' ? values.agenda.trim() : '';
    if (agenda === '' || seen.planTitles.has(`${String(values.dong)}|${String(values.fiscalYear)}|${agenda}`)) return [];
    return [rowIssue(fieldLabel('spending', 'agenda'), 'agenda_not_in_plan', `${agenda}|${dongName(String(values.dong))}|${String(values.fiscalYear)}`)];
  }
  return [];
}
