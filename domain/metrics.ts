/**
 * The metrics (DESIGN.md, "The metrics"): every figure of every comparison, defined once, so every
 * screen can explain every number (served in /api/meta). The store computes them in SQL
 * (service/store/compare/); the names here are the column names of its rows.
 */
import { z } from 'zod';
import type { Message } from './messages.ts';

/**
 * 원 (won), 명 (people), 건 (count of rows or events), 일 (days), per1000 (people per 1,000
 * residents), ratio (a fraction: 0.85 is shown as 85%), % (already a percentage, 0–100).
 */
export type MetricUnit = '원' | '명' | '건' | '일' | 'per1000' | 'ratio' | '%';

export interface MetricDefinition {
  name: string;
  ko: string;
  en: string;
  definition: Message;
  unit: MetricUnit;
}

const metric = (name: string, ko: string, en: string, unit: MetricUnit, defKo: string, defEn: string): MetricDefinition => ({
  name,
  ko,
  en,
  unit,
  definition: { ko: defKo, en: defEn },
});

/** Every figure, keyed by its column name. */
export const metrics = {
  budgetKrw: metric('budgetKrw', '예산액', 'Budget', '원', '예산액(원)의 합계.', 'Sum of the budget lines, in won.'),
  executedKrw: metric(
    'executedKrw',
    '집행액',
    'Executed',
    '원',
    '집행액(원)의 합계. 집행액이 빈 칸인 행은 집행하지 않은 것으로 봅니다.',
    'Sum of the executed amounts, in won; a blank executed amount counts as nothing executed.',
  ),
  executionRate: metric(
    'executionRate',
    '집행률',
    'Execution rate',
    'ratio',
    '집행액 ÷ 예산액. 예산액이 0이면 비워 둡니다. 1을 넘으면 초과 집행입니다.',
    'Executed ÷ budget; empty when the budget is 0; over 1 means over-execution.',
  ),
  executedPerResident: metric(
    'executedPerResident',
    '주민 1인당 집행액',
    'Executed per resident',
    '원',
    '집행액 ÷ 그 단계 연도의 동 인구. 인구를 모르면 비워 둡니다.',
    "Executed ÷ the dong's population in the phase's year; empty when the population is unknown.",
  ),
  events: metric('events', '활동 건수', 'Events', '건', '기록된 주민참여 활동의 수.', 'Number of recorded participation events.'),
  participants: metric('participants', '참여인원', 'Participants', '명', '활동별 참여인원의 합계.', 'Sum of the participants of every event.'),
  newParticipants: metric(
    'newParticipants',
    '신규참여',
    'New participants',
    '명',
    '신규참여 인원의 합계 (빈 칸은 더하지 않으며, 모두 빈 칸이면 비워 둡니다).',
    'Sum of new participants (blanks are skipped; empty when all are blank).',
  ),
  participantsPer1000: metric(
    'participantsPer1000',
    '주민 천 명당 참여인원',
    'Participants per 1,000 residents',
    'per1000',
    '참여인원 × 1,000 ÷ 그 단계 연도의 동 인구. 인구를 모르면 비워 둡니다.',
    "Participants × 1,000 ÷ the dong's population in the phase's year; empty when the population is unknown.",
  ),
  assemblyParticipants: metric(
    'assemblyParticipants',
    '주민총회 참여인원',
    'Assembly participants',
    '명',
    '활동유형이 주민총회인 활동의 참여인원 합계.',
    'Sum of the participants of events of the activity 주민총회 (residents’ general assembly).',
  ),
  votes: metric(
    'votes',
    '투표수',
    'Votes',
    '건',
    '투표수의 합계 (빈 칸은 더하지 않으며, 모두 빈 칸이면 비워 둡니다).',
    'Sum of the votes cast (blanks are skipped; empty when all are blank).',
  ),
  milestones: metric('milestones', '추진과제 수', 'Milestones', '건', '기록된 추진과제의 수.', 'Number of recorded milestones.'),
  completed: metric('completed', '완료 과제 수', 'Completed', '건', '상태가 완료인 추진과제의 수.', 'Number of milestones with the status 완료 (done).'),
  completionRate: metric(
    'completionRate',
    '완료율',
    'Completion rate',
    'ratio',
    '완료 과제 수 ÷ 추진과제 수.',
    'Completed milestones ÷ milestones.',
  ),
  avgProgressPct: metric(
    'avgProgressPct',
    '평균 진척률',
    'Average progress',
    '%',
    '진척률(%)의 평균. 완료이면서 진척률이 빈 칸이면 100으로, 다른 빈 칸은 빼고 계산합니다.',
    'Average of progress (%); a done milestone with a blank progress counts as 100, other blanks are skipped.',
  ),
  delayed: metric(
    'delayed',
    '지연 과제 수',
    'Delayed',
    '건',
    '상태가 지연이거나, 계획일보다 늦게 완료했거나, 완료하지 않은 채 계획일이 지난 추진과제의 수.',
    'Milestones with the status 지연 (delayed), done after their planned date, or not done and past their planned date.',
  ),
  medianDelayDays: metric(
    'medianDelayDays',
    '지연일수 중앙값',
    'Median delay',
    '일',
    '완료한 추진과제의 (완료일 − 계획일)의 중앙값. 음수는 계획보다 일찍 완료한 것입니다.',
    'Median of (completed on − planned on) over the done milestones, in days; negative means early.',
  ),
  phase1: metric('phase1', '1단계', 'Phase 1', 'ratio', '1단계의 값.', 'The figure in phase 1.'),
  phase2: metric('phase2', '2단계', 'Phase 2', 'ratio', '2단계의 값.', 'The figure in phase 2.'),
  delta: metric('delta', '변화', 'Change', 'ratio', '2단계 값 − 1단계 값. 어느 한쪽이 비어 있으면 비워 둡니다.', 'Phase 2 − phase 1; empty when either is empty.'),
  value: metric('value', '값', 'Value', 'ratio', '그 지표의 값 (시 전체 또는 동).', 'The value of the figure (for the city or the dong).'),
  cityMedian: metric(
    'cityMedian',
    '시 중앙값',
    'City median',
    'ratio',
    '그 단계에 자료가 있는 동들의 값의 중앙값.',
    'Median of the figure over the dongs with data in that phase.',
  ),
  dongsWithData: metric('dongsWithData', '자료가 있는 동 수', 'Dongs with data', '건', '그 단계에 그 지표의 값이 있는 동의 수.', 'Number of dongs with a value of the figure in that phase.'),
  phase1Value: metric('phase1Value', '1단계 값', 'Phase-1 value', 'ratio', '같은 동의 1단계 값.', "The same dong's phase-1 figure."),
  belowMedian: metric('belowMedian', '중앙값 미만', 'Below the median', 'ratio', '동의 값이 시 중앙값보다 낮음.', "The dong's figure is below the city's median."),
  belowPhase1: metric('belowPhase1', '1단계보다 낮음', 'Below phase 1', 'ratio', '동의 값이 자기 1단계 값보다 낮음.', "The dong's figure is below its own phase-1 figure."),
  rank: metric('rank', '순위', 'Rank', '건', '분석용 순위 (높은 값이 1). 요청한 경우에만 채웁니다.', 'Rank for analysts (highest is 1); only when asked for.'),
} satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof metrics;

/** The figures the summary and the phase comparison follow. */
export const headlineFigures = ['executionRate', 'participantsPer1000', 'completionRate'] as const satisfies readonly MetricName[];
export type HeadlineFigure = (typeof headlineFigures)[number];

export const comparisonNames = ['spending', 'participation', 'progress', 'phases', 'summary'] as const;
export type ComparisonName = (typeof comparisonNames)[number];

export interface ComparisonDefinition {
  name: ComparisonName;
  ko: string;
  en: string;
  grouping: Message;
  /** The columns that identify a row. */
  keys: string[];
  figures: string[];
}

const keys = ['district', 'dong', 'dongName', 'phase'];

export const comparisons: Record<ComparisonName, ComparisonDefinition> = {
  spending: {
    name: 'spending',
    ko: '예산 집행',
    en: 'Spending',
    grouping: {
      ko: '동 × 단계 × 비목, 그리고 동 × 단계마다 모든 비목을 합친 행 (비목 빈 칸)',
      en: 'dong × phase × category, plus one row per dong × phase for all lines (category empty)',
    },
    keys: [...keys, 'category'],
    figures: ['budgetKrw', 'executedKrw', 'executionRate', 'executedPerResident'],
  },
  participation: {
    name: 'participation',
    ko: '주민 참여',
    en: 'Participation',
    grouping: { ko: '동 × 단계', en: 'dong × phase' },
    keys,
    figures: ['events', 'participants', 'newParticipants', 'participantsPer1000', 'assemblyParticipants', 'votes'],
  },
  progress: {
    name: 'progress',
    ko: '추진 현황',
    en: 'Progress',
    grouping: { ko: '동 × 단계', en: 'dong × phase' },
    keys,
    figures: ['milestones', 'completed', 'completionRate', 'avgProgressPct', 'delayed', 'medianDelayDays'],
  },
  phases: {
    name: 'phases',
    ko: '단계 비교',
    en: 'Phase 1 vs phase 2',
    grouping: {
      ko: '동. 주요 지표(집행률, 천 명당 참여인원, 완료율)마다 1단계, 2단계, 변화 (열 이름: executionRatePhase1 …)',
      en: 'dong; for each headline figure (executionRate, participantsPer1000, completionRate): phase 1, phase 2, change (columns executionRatePhase1 …)',
    },
    keys: ['district', 'dong', 'dongName'],
    figures: headlineFigures.flatMap((f) => [`${f}Phase1`, `${f}Phase2`, `${f}Delta`]),
  },
  summary: {
    name: 'summary',
    ko: '요약',
    en: 'Summary',
    grouping: {
      ko: '시 전체: 단계 × 주요 지표마다 시 값과 중앙값 (kind = city), 그리고 지원이 필요할 수 있는 동 (시 중앙값보다 낮거나 자기 1단계보다 낮음, kind = dong). 순위표가 아닙니다. rank=true일 때만 모든 동과 순위',
      en: "city: per phase × headline figure the city's value and median (kind = city), and the dongs that may need support (below the city's median or below their own phase 1, kind = dong). Not a league table; all dongs with a rank only with rank=true",
    },
    keys: ['kind', 'district', 'dong', 'dongName', 'phase', 'figure'],
    figures: ['value', 'cityMedian', 'dongsWithData', 'phase1Value', 'belowMedian', 'belowPhase1', 'rank'],
  },
};

/** Messages for a bad filter: the filter is named, in Korean and English. */
export const filterMessages = {
  phase: { ko: "단계(phase) 필터가 올바르지 않습니다: 1, 2처럼 양의 정수여야 합니다.", en: "Invalid filter 'phase': must be whole numbers ≥ 1, e.g. 1,2." },
  district: {
    ko: '구(district) 필터가 올바르지 않습니다: 구 코드(다섯 자리 숫자)여야 합니다.',
    en: "Invalid filter 'district': must be district codes (five digits).",
  },
  dong: { ko: '동(dong) 필터가 올바르지 않습니다: 동 코드여야 합니다.', en: "Invalid filter 'dong': must be dong codes." },
  rank: { ko: "순위(rank) 필터는 'true' 또는 'false'여야 합니다.", en: "Invalid filter 'rank': must be 'true' or 'false'." },
  unknown: { ko: '알 수 없는 필터입니다 (phase, district, dong만 쓸 수 있습니다).', en: 'Unknown filter (only phase, district, dong).' },
} satisfies Record<string, Message>;

/** zod issue messages carry both languages as JSON-free text: "ko / en". */
const bilingual = (m: Message) => `${m.ko} / ${m.en}`;

/** One value or many: `?dong=a&dong=b`, `?dong=a,b` or `['a','b']`. Empty strings are dropped. */
const manyStrings = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== ''));

const phaseList = z
  .union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter((s) => s !== ''))
  .pipe(z.array(z.string().regex(/^[1-9]\d{0,2}$/, { error: bilingual(filterMessages.phase) }).transform(Number)));

const codeList = (pattern: RegExp, message: Message) =>
  manyStrings.pipe(z.array(z.string().max(64, { error: bilingual(message) }).regex(pattern, { error: bilingual(message) })).max(5000, { error: bilingual(message) }));

/** Filters of every comparison. Absent or empty means all. */
const filterShape = {
  phase: phaseList.optional(),
  district: codeList(/^\d{5}$/, filterMessages.district).optional(),
  dong: codeList(/^[\p{L}\p{N}_.-]+$/u, filterMessages.dong).optional(),
};
export const comparisonFilterSchema = z.strictObject(filterShape, { error: bilingual(filterMessages.unknown) });

/** The summary also accepts `rank=true` (analysts asking for a plain ranking). */
export const summaryFilterSchema = z.strictObject(
  {
    ...filterShape,
    rank: z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0'])], { error: bilingual(filterMessages.rank) })
      .transform((v) => v === true || v === 'true' || v === '1')
      .optional(),
  },
  { error: bilingual(filterMessages.unknown) },
);

export type ComparisonFilter = z.output<typeof comparisonFilterSchema>;
export type SummaryFilter = z.output<typeof summaryFilterSchema>;

export const comparisonFilterSchemas: Record<ComparisonName, typeof comparisonFilterSchema | typeof summaryFilterSchema> = {
  spending: comparisonFilterSchema,
  participation: comparisonFilterSchema,
  progress: comparisonFilterSchema,
  phases: comparisonFilterSchema,
  summary: summaryFilterSchema,
};

/**
 * The filter named by a failed parse, with its bilingual message, for a 400
 * `{ error: { code: 'invalid_filter', message } }`.
 */
export function filterError(error: z.ZodError): { filter: string; message: Message } {
  const issue = error.issues[0];
  const filter = issue && issue.path.length > 0 ? String(issue.path[0]) : issue?.code === 'unrecognized_keys' ? String(issue.keys[0]) : 'unknown';
  const known = (filterMessages as Record<string, Message>)[filter];
  if (issue?.code === 'unrecognized_keys') {
    return {
      filter,
      message: { ko: `알 수 없는 필터 '${filter}'입니다 (phase, district, dong만 쓸 수 있습니다).`, en: `Unknown filter '${filter}' (only phase, district, dong).` },
    };
  }
  return { filter, message: known ?? filterMessages.unknown };
}
