/**
 * The metrics (README, "Comparisons" and "Figures a city can act on"): every figure of every
 * comparison, defined once, so every screen can explain every number (served in /api/meta). The
 * store computes them in SQL (service/store/compare/); the names here are the column names of its rows.
 */
import { z } from 'zod';
import type { Message } from './messages.ts';

/**
 * 원 (won), 명 (people), 건 (count of rows or events), 일 (days), per1000 (people per 1,000
 * residents), ratio (a fraction: 0.85 is shown as 85%), % (already a percentage, 0–100), label (a
 * text value, e.g. a milestone), flag (yes/no), figure (in the unit of the row's `figure`).
 */
export type MetricUnit = '원' | '명' | '건' | '일' | 'per1000' | 'ratio' | '%' | 'label' | 'flag' | 'figure';

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

const perResidentNote = { ko: '인구가 예시(illustrative)이면 이 값도 예시로 표시합니다.', en: 'Marked illustrative when the population is.' };

/** Every figure, keyed by its column name. */
export const metrics = {
  // spending: dong × phase × category, and dong × phase (category empty) for all lines
  budgetKrw: metric('budgetKrw', '예산액', 'Budget', '원', '예산액(원)의 합계.', 'Sum of the budget lines, in won.'),
  executedKrw: metric(
    'executedKrw',
    '집행액',
    'Executed',
    '원',
    '집행액(원)의 합계. 집행액이 빈 칸인 행은 집행하지 않은 것으로 봅니다.',
    'Sum of the executed amounts, in won; a blank executed amount counts as nothing executed.',
  ),
  carriedOverKrw: metric('carriedOverKrw', '이월액', 'Carried over', '원', '다음 연도로 넘긴 이월액(원)의 합계.', 'Sum of the amounts carried over to the next year, in won.'),
  returnedKrw: metric('returnedKrw', '반납액', 'Returned', '원', '쓰지 않고 반납한 금액(원)의 합계.', 'Sum of the amounts returned unspent, in won.'),
  executionRate: metric(
    'executionRate',
    '집행률',
    'Execution rate',
    'ratio',
    '집행액 ÷ 예산액. 예산액이 0이면 비워 둡니다. 1을 넘으면 초과 집행입니다.',
    'Executed ÷ budget; empty when the budget is 0; over 1 means over-execution.',
  ),
  carryOverRate: metric('carryOverRate', '이월률', 'Carry-over rate', 'ratio', '이월액 ÷ 예산액.', 'Carried over ÷ budget.'),
  unspentRate: metric(
    'unspentRate',
    '불용률',
    'Unspent rate',
    'ratio',
    '(예산액 − 집행액 − 이월액) ÷ 예산액: 쓰지도 넘기지도 않은 몫 (반납액 포함).',
    '(Budget − executed − carried over) ÷ budget: the share neither spent nor carried over (returned included).',
  ),
  discretionaryExecutionRate: metric(
    'discretionaryExecutionRate',
    '사업비 집행률',
    'Programme execution rate',
    'ratio',
    '두 인건비(자치지원관·간사) 줄을 뺀 나머지 줄의 집행액 ÷ 예산액 (모든 비목을 합친 행에만). 인건비는 거의 늘 다 쓰이므로, 주민자치회가 스스로 쓰는 돈을 얼마나 집행했는지를 봅니다.',
    "Executed ÷ budget over the lines other than the two pay lines (support officer, secretary), on the all-lines row only. Pay is almost always spent in full; this shows how much of the council's own money was executed.",
  ),
  allocationKrw: metric(
    'allocationKrw',
    '배정액',
    'Allocation',
    '원',
    '그 단계 기간의 회계연도에 시가 동에 배정한 금액의 합계 (모든 비목을 합친 행에만). 배정 자료가 없으면 비워 둡니다.',
    "What the city allocated to the dong for the fiscal years of the phase's period (all-lines row only); empty when no allocation is loaded.",
  ),
  executedPerResident: metric(
    'executedPerResident',
    '주민 1인당 집행액',
    'Executed per resident',
    '원',
    `집행액 ÷ 그 단계 연도의 동 인구. 인구를 모르면 비워 둡니다. ${perResidentNote.ko}`,
    `Executed ÷ the dong's population in the phase's year; empty when the population is unknown. ${perResidentNote.en}`,
  ),
  // participation: dong × phase
  events: metric('events', '활동 건수', 'Events', '건', '기록된 주민참여 활동의 수.', 'Number of recorded participation events.'),
  attendances: metric(
    'attendances',
    '연인원',
    'Attendances',
    '명',
    '모든 활동의 참여인원 합계 (한 사람이 여러 번 오면 여러 번 셉니다). 활동을 많이 기록할수록 커지므로 동끼리 견주는 주요 지표로 쓰지 않습니다.',
    'Participants summed over every event (a person who comes twice counts twice). It grows with the number of events recorded, so it is not a headline figure for comparing dongs.',
  ),
  attendancesPer1000: metric(
    'attendancesPer1000',
    '주민 천 명당 연인원',
    'Attendances per 1,000 residents',
    'per1000',
    `연인원 × 1,000 ÷ 그 단계 연도의 동 인구. ${perResidentNote.ko}`,
    `Attendances × 1,000 ÷ the dong's population in the phase's year. ${perResidentNote.en}`,
  ),
  newParticipants: metric(
    'newParticipants',
    '신규참여',
    'New participants',
    '명',
    '신규참여 인원의 합계 (빈 칸은 더하지 않으며, 모두 빈 칸이면 비워 둡니다).',
    'Sum of new participants (blanks are skipped; empty when all are blank).',
  ),
  assemblyVoters: metric(
    'assemblyVoters',
    '주민총회 투표자',
    'Assembly voters',
    '명',
    '그 단계에서 가장 큰 주민총회(같은 날 여러 행이면 더함)의 투표자 수. 투표자 수가 빈 칸이면 참여인원. 활동을 더 기록해도 커지지 않습니다.',
    "Voters at the phase's largest 주민총회 (rows of the same day added together); its participants where voters is blank. Recording more events does not raise it.",
  ),
  assemblyTurnoutPer1000: metric(
    'assemblyTurnoutPer1000',
    '주민총회 참여율(천 명당)',
    'Assembly turnout per 1,000 residents',
    'per1000',
    `주민총회 투표자 × 1,000 ÷ 그 단계 연도의 동 인구. ${perResidentNote.ko}`,
    `Assembly voters × 1,000 ÷ the dong's population in the phase's year. ${perResidentNote.en}`,
  ),
  votersOnlineShare: metric(
    'votersOnlineShare',
    '온라인·사전 투표 비율',
    'Online or early share',
    'ratio',
    '그 주민총회의 온라인·사전 투표자 ÷ 투표자 수. 기록이 없으면 비워 둡니다.',
    'Voters online or early ÷ voters at that assembly; empty when not recorded.',
  ),
  // progress: dong × phase
  expected: metric(
    'expected',
    '기대 과제 수',
    'Expected milestones',
    '건',
    '시가 그 동의 기수(합류한 단계)에 그 단계에서 기대하는 추진과제의 수.',
    "Milestones the city expects of the dong's cohort (the phase it joined) in that phase.",
  ),
  completedExpected: metric(
    'completedExpected',
    '완료한 기대 과제',
    'Expected milestones done',
    '건',
    '기대 과제 가운데 그 단계에 완료로 기록된 것의 수 (같은 과제를 여러 번 적어도 한 번).',
    'Expected milestones recorded as done in that phase (a milestone written twice counts once).',
  ),
  completionRate: metric(
    'completionRate',
    '완료율',
    'Completion rate',
    'ratio',
    '완료한 기대 과제 ÷ 기대 과제 수. 시트에 없는 기대 과제는 완료하지 않은 것으로 봅니다.',
    'Expected milestones done ÷ expected milestones; an expected milestone missing from the sheet counts as not done.',
  ),
  onTimeRate: metric(
    'onTimeRate',
    '기한 내 완료율',
    'On-time rate',
    'ratio',
    '계획일까지 완료한 기대 과제 ÷ 기대 과제 수 (계획일이 없으면 기한 내로 보지 않습니다). 계획일이 예시인 행이 있으면 예시로 표시합니다.',
    'Expected milestones done by their planned date ÷ expected milestones (one without a planned date is not counted as on time); illustrative when a planned date is.',
  ),
  stageReached: metric(
    'stageReached',
    '도달 단계',
    'Stage reached',
    'label',
    '추진과제 순서에서 그 단계에 완료한 가장 늦은 과제.',
    'The latest milestone of the sequence done in that phase.',
  ),
  milestones: metric(
    'milestones',
    '기록된 과제 수',
    'Milestones recorded',
    '건',
    '기록된 추진과제의 수 (기대 과제가 아닌 것도 포함).',
    'Number of milestones recorded (expected or not).',
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
  // agendas (자치계획): dong × phase
  agendas: metric('agendas', '의제 수', 'Agendas', '건', '그 단계에 기록된 자치계획 의제의 수.', 'Number of agendas of the 자치계획 recorded in that phase.'),
  putToAssembly: metric(
    'putToAssembly',
    '총회 상정',
    'Put to the assembly',
    '건',
    '주민총회에 상정된 의제의 수 (총회 상정일이 있거나 상태가 총회 상정 이후).',
    'Agendas put to the 주민총회 (with a date put, or a status from 총회 상정 on).',
  ),
  adopted: metric(
    'adopted',
    '가결',
    'Adopted',
    '건',
    '가결된 의제의 수 (가결이 예이거나, 비어 있으면 상태가 가결·실행중·완료).',
    'Agendas adopted (가결 says yes, or where blank a status of 가결, 실행중 or 완료).',
  ),
  adoptionRate: metric('adoptionRate', '가결률', 'Adoption rate', 'ratio', '가결 ÷ 총회 상정.', 'Adopted ÷ put to the assembly.'),
  agendasCompleted: metric('agendasCompleted', '완료 의제', 'Agendas completed', '건', '가결된 의제 가운데 상태가 완료인 것의 수.', 'Adopted agendas with the status 완료 (done).'),
  agendaCompletionRate: metric(
    'agendaCompletionRate',
    '의제 완료율',
    'Agenda completion rate',
    'ratio',
    '완료 의제 ÷ 가결된 의제: 주민총회가 정한 일을 얼마나 해냈는지. 의제를 더 적어도 커지지 않습니다.',
    'Agendas completed ÷ agendas adopted: how much of what the assembly decided was carried out. Recording more agendas does not raise it.',
  ),
  estimatedCostKrw: metric('estimatedCostKrw', '예상 사업비', 'Estimated cost', '원', '의제의 예상 사업비 합계.', "Sum of the agendas' estimated costs."),
  linkedSpendingKrw: metric(
    'linkedSpendingKrw',
    '의제 연결 집행액',
    'Spending on adopted agendas',
    '원',
    '같은 회계연도에 가결된 의제를 관련 의제로 적은 예산집행 줄의 집행액 합계.',
    'Executed on the spending lines of the same fiscal year whose 관련 의제 names an adopted agenda.',
  ),
  // council (위원구성): dong × phase, the latest snapshot
  members: metric(
    'members',
    '위원 수',
    'Members',
    '명',
    '그 단계의 가장 최근 위원구성(회계연도, 기준일 순)의 위원 수.',
    "Members in the phase's latest council snapshot (by fiscal year, then as-of date).",
  ),
  seats: metric('seats', '정원', 'Seats', '명', '위원 정원.', 'Seats on the council.'),
  competitionRatio: metric('competitionRatio', '경쟁률', 'Competition ratio', 'label', '신청자 ÷ 정원 (예: 1.8 대 1).', 'Applicants ÷ seats (e.g. 1.8 to 1).'),
  lotteryShare: metric('lotteryShare', '추첨 선정 비율', 'Chosen by lottery', 'ratio', '추첨으로 선정된 위원 ÷ 위원 수.', 'Members chosen by lottery ÷ members.'),
  womenShare: metric('womenShare', '여성 비율', 'Women', 'ratio', '여성 위원 ÷ 위원 수.', 'Women ÷ members.'),
  youthShare: metric('youthShare', '청년 비율', 'Youth (19–34)', 'ratio', '청년(19–34세) 위원 ÷ 위원 수.', 'Members aged 19–34 ÷ members.'),
  trainedShare: metric('trainedShare', '교육 이수 비율', 'Trained', 'ratio', '교육을 이수한 위원 ÷ 위원 수.', 'Members who completed the training ÷ members.'),
  // governance: district or city × phase
  milestonesDone: metric(
    'milestonesDone',
    '완료한 추진과제',
    'Milestones done',
    '건',
    '구·시가 기록한 추진과제 가운데 상태가 완료인 것의 수 (조례 제·개정 등).',
    'Milestones the district or city recorded as done (an ordinance passed, …).',
  ),
  unit: metric('unit', '단위', 'Unit', 'label', '구 또는 시의 코드.', 'The code of the district or the city.'),
  unitName: metric('unitName', '구·시', 'District or city', 'label', '구 또는 시의 이름.', 'The name of the district or the city.'),
  level: metric('level', '수준', 'Level', 'label', 'district(구) 또는 city(시).', 'district or city.'),
  // columns every comparison row carries
  cohort: metric(
    'cohort',
    '기수',
    'Cohort',
    'label',
    '동이 시범사업에 합류한 단계. 같은 시, 같은 단계, 같은 기수의 동끼리 견줍니다.',
    'The phase in which the dong joined the pilot; a dong is compared with the dongs of the same city, phase and cohort.',
  ),
  illustrative: metric(
    'illustrative',
    '예시',
    'Illustrative',
    'flag',
    '이 값이 예시 자료(예시로 표시된 인구, 비고에 예시라 적힌 계획일)에 기대고 있음.',
    'The figure rests on illustrative data (a population marked illustrative, a planned date whose note says 예시).',
  ),
  // phases and summary
  phase1: metric('phase1', '1단계', 'Phase 1', 'figure', '1단계의 값.', 'The figure in phase 1.'),
  phase2: metric('phase2', '2단계', 'Phase 2', 'figure', '2단계의 값.', 'The figure in phase 2.'),
  delta: metric(
    'delta',
    '변화',
    'Change',
    'figure',
    '2단계 값 − 1단계 값 (같은 동). 어느 한쪽이 비어 있으면 비워 둡니다.',
    'Phase 2 − phase 1 (the same dong); empty when either is empty.',
  ),
  value: metric(
    'value',
    '값',
    'Value',
    'figure',
    '그 지표의 값: 동이면 동의 값, 시·계속 참여 행이면 묶음 전체의 분자 합 ÷ 분모 합.',
    "The figure's value: the dong's own, or for city and continuing rows the group's summed numerator ÷ summed denominator.",
  ),
  median: metric(
    'median',
    '중앙값',
    'Median',
    'figure',
    '같은 시·단계·기수 묶음에서 값이 있는 동들의 중앙값.',
    'Median over the dongs with a value in the group (same city, phase and cohort).',
  ),
  q1: metric(
    'q1',
    '하위 25%',
    'Lower quartile',
    'figure',
    '묶음의 제1사분위수: 이보다 낮으면 가장 낮은 4분의 1입니다.',
    "The group's first quartile: below it is the lowest quarter.",
  ),
  q3: metric('q3', '상위 25%', 'Upper quartile', 'figure', '묶음의 제3사분위수.', "The group's third quartile."),
  dongsWithData: metric(
    'dongsWithData',
    '자료가 있는 동 수',
    'Dongs with data',
    '건',
    '묶음에서 그 지표의 값이 있는 동의 수.',
    'Number of dongs of the group with a value of the figure.',
  ),
  previousValue: metric('previousValue', '이전 단계 값', 'Previous phase', 'figure', '같은 동의 바로 앞 단계 값.', "The same dong's value in the previous phase."),
  gap: metric(
    'gap',
    '차이',
    'Gap',
    'figure',
    '낮음(low)이면 값 − 묶음 중앙값, 하락(fell)이면 값 − 이전 단계 값.',
    'For low: value − the group median; for fell: value − the previous phase.',
  ),
  flag: metric(
    'flag',
    '지원 검토 사유',
    'Reason to review',
    'label',
    '낮음(low): 묶음(4개 동 이상)의 하위 25%이고 중앙값보다 최소 차이 이상 낮음. 하락(fell): 자기 이전 단계보다 최소 차이 이상 낮음. 최소 차이는 비율 지표 5%p, 천 명당 지표는 중앙값(하락이면 이전 값)의 20%.',
    'low: in the lowest quarter of its group (of four dongs or more) and at least the minimum gap below its median. fell: at least the minimum gap below its own previous phase. The minimum gap is 5 %p for rates, 20% of the median (of the previous value, for fell) for per-1,000 figures.',
  ),
  yearInPilot: metric(
    'yearInPilot',
    '참여 연차',
    'Year in the pilot',
    'label',
    '기수가 시범사업에 합류한 뒤 몇 번째 단계인지 (단계 − 기수 + 1). 시·도마다 단계의 해가 달라도, 여러 시·도의 같은 연차(예: 각 기수의 첫해)를 나란히 견줄 수 있습니다.',
    "Which phase of the cohort's time in the pilot this is (phase − cohort + 1): cities on different calendars line up by it (each cohort's first year, say).",
  ),
  versus: metric(
    'versus',
    '견준 단계',
    'Compared with',
    'label',
    '계속 참여 행: 같은 동들을 견준 다른 단계.',
    'Continuing rows: the other phase the same dongs are compared with.',
  ),
  rank: metric(
    'rank',
    '순위',
    'Rank',
    'label',
    '분석용 순위 (높은 값이 1, 같은 묶음 안에서). 분석가·관리자가 요청한 경우에만 채웁니다.',
    'Rank for analysts (highest is 1, within the group); only when an analyst or manager asks for it.',
  ),
} satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof metrics;

/**
 * The figures the summary, the phase comparison, the charts and the summary sheet follow: each
 * compares like with like and none grows because a dong typed more rows.
 */
export const headlineFigures = ['discretionaryExecutionRate', 'assemblyTurnoutPer1000', 'completionRate', 'agendaCompletionRate'] as const satisfies readonly MetricName[];
export type HeadlineFigure = (typeof headlineFigures)[number];

/** Which rows lie behind each headline figure (drill-down from phases and summary). */
export const headlineFigureKind = {
  discretionaryExecutionRate: 'spending',
  assemblyTurnoutPer1000: 'participation',
  completionRate: 'progress',
  agendaCompletionRate: 'agendas',
} as const satisfies Record<HeadlineFigure, string>;

/**
 * When the summary flags a dong (README, "Figures a city can act on"): `low` needs a group of `minGroupForLow`
 * dongs or more, the lowest quarter, and a gap below the median of at least `minGapRate` (rates)
 * or `minGapPer1000Share` of the median (per-1,000 figures); `fell` the same gap below the dong's
 * own previous phase (for per-1,000 figures, that share of the previous value).
 */
export const flagRules = { minGapRate: 0.05, minGapPer1000Share: 0.2, minGroupForLow: 4 } as const;

export const flags = ['low', 'fell'] as const;
export type Flag = (typeof flags)[number];

export const comparisonNames = ['spending', 'participation', 'progress', 'agendas', 'council', 'governance', 'phases', 'summary'] as const;
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

const keys = ['city', 'district', 'dong', 'dongName', 'cohort', 'phase'];

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
    figures: [
      'budgetKrw',
      'executedKrw',
      'carriedOverKrw',
      'returnedKrw',
      'executionRate',
      'carryOverRate',
      'unspentRate',
      'discretionaryExecutionRate',
      'allocationKrw',
      'executedPerResident',
      'illustrative',
    ],
  },
  participation: {
    name: 'participation',
    ko: '주민 참여',
    en: 'Participation',
    grouping: { ko: '동 × 단계', en: 'dong × phase' },
    keys,
    figures: ['events', 'attendances', 'attendancesPer1000', 'newParticipants', 'assemblyVoters', 'assemblyTurnoutPer1000', 'votersOnlineShare', 'illustrative'],
  },
  progress: {
    name: 'progress',
    ko: '추진 현황',
    en: 'Progress',
    grouping: { ko: '동 × 단계', en: 'dong × phase' },
    keys,
    figures: ['expected', 'completedExpected', 'completionRate', 'onTimeRate', 'stageReached', 'milestones', 'avgProgressPct', 'delayed', 'medianDelayDays', 'illustrative'],
  },
  agendas: {
    name: 'agendas',
    ko: '자치계획',
    en: 'Agendas',
    grouping: { ko: '동 × 단계', en: 'dong × phase' },
    keys,
    figures: ['agendas', 'putToAssembly', 'adopted', 'adoptionRate', 'agendasCompleted', 'agendaCompletionRate', 'estimatedCostKrw', 'linkedSpendingKrw', 'illustrative'],
  },
  council: {
    name: 'council',
    ko: '위원구성',
    en: 'Council',
    grouping: { ko: '동 × 단계 (그 단계의 가장 최근 위원구성)', en: "dong × phase (the phase's latest council snapshot)" },
    keys: [...keys, 'fiscalYear'],
    figures: ['members', 'seats', 'competitionRatio', 'lotteryShare', 'womenShare', 'youthShare', 'trainedShare', 'illustrative'],
  },
  governance: {
    name: 'governance',
    ko: '구·시의 일',
    en: 'Work above the dong',
    grouping: {
      ko: '구 또는 시 × 단계 × 활동유형, 그리고 구·시 × 단계마다 모든 활동을 합친 행 (활동유형 빈 칸, 추진과제 수 포함). 동의 지표에는 들어가지 않습니다',
      en: 'district or city × phase × activity, plus a row per unit × phase for all activities (activity empty, with the milestones); never counted in a dong’s figures',
    },
    keys: ['city', 'district', 'unit', 'unitName', 'level', 'phase', 'activity'],
    figures: ['events', 'attendances', 'milestones', 'milestonesDone'],
  },
  phases: {
    name: 'phases',
    ko: '단계 비교',
    en: 'Phase 1 vs phase 2',
    grouping: {
      ko: '동. 주요 지표(사업비 집행률, 주민총회 참여율, 완료율, 의제 완료율)마다 1단계, 2단계, 변화 (열 이름: completionRatePhase1 …). 변화는 같은 동의 두 값이 모두 있을 때만',
      en: 'dong; for each headline figure (discretionaryExecutionRate, assemblyTurnoutPer1000, completionRate, agendaCompletionRate): phase 1, phase 2, change (columns completionRatePhase1 …); a change only where the same dong has both',
    },
    keys: ['city', 'district', 'dong', 'dongName', 'cohort'],
    figures: [...headlineFigures.flatMap((f) => [`${f}Phase1`, `${f}Phase2`, `${f}Delta`]), 'illustrative'],
  },
  summary: {
    name: 'summary',
    ko: '요약',
    en: 'Summary',
    grouping: {
      ko: '시(kind = city)와 계속 참여 동(kind = continuing): 단계 × 기수(빈 칸은 전체) × 주요 지표마다 값, 중앙값, 사분위수, 동 수. 그리고 지원 검토가 필요할 수 있는 동(kind = dong): 사유(낮음·하락)마다 한 행. 순위표가 아닙니다. rank=true(분석가·관리자)일 때만 모든 동과 순위',
      en: 'city (kind = city) and the dongs in both phases (kind = continuing): per phase × cohort (empty for all) × headline figure the value, median, quartiles and number of dongs; then the dongs that may need support (kind = dong), one row per reason (low, fell). Not a league table; every dong with a rank only with rank=true (analysts and managers)',
    },
    keys: ['kind', 'city', 'district', 'dong', 'dongName', 'phase', 'versus', 'cohort', 'yearInPilot', 'figure'],
    figures: ['value', 'median', 'q1', 'q3', 'dongsWithData', 'previousValue', 'gap', 'flag', 'illustrative', 'rank'],
  },
};

/** Messages for a bad filter: the filter is named, in Korean and English. */
export const filterMessages = {
  phase: { ko: '단계(phase) 필터가 올바르지 않습니다: 1, 2처럼 양의 정수여야 합니다.', en: "Invalid filter 'phase': must be whole numbers ≥ 1, e.g. 1,2." },
  district: {
    ko: '구(district) 필터가 올바르지 않습니다: 구 코드(다섯 자리 숫자)여야 합니다.',
    en: "Invalid filter 'district': must be district codes (five digits).",
  },
  dong: { ko: '동(dong) 필터가 올바르지 않습니다: 동 코드여야 합니다.', en: "Invalid filter 'dong': must be dong codes." },
  cohort: { ko: '기수(cohort) 필터가 올바르지 않습니다: 1, 2처럼 합류한 단계 번호여야 합니다.', en: "Invalid filter 'cohort': must be the phases dongs joined in, e.g. 1,2." },
  city: { ko: '시(city) 필터가 올바르지 않습니다: 시·도 코드(두 자리 숫자)여야 합니다.', en: "Invalid filter 'city': must be city codes (two digits)." },
  rank: { ko: "순위(rank) 필터는 'true' 또는 'false'여야 합니다.", en: "Invalid filter 'rank': must be 'true' or 'false'." },
  unknown: { ko: '알 수 없는 필터입니다 (phase, district, dong, cohort, city만 쓸 수 있습니다).', en: 'Unknown filter (only phase, district, dong, cohort, city).' },
} satisfies Record<string, Message>;

/** zod issue messages carry both languages as JSON-free text: "ko / en". */
const bilingual = (m: Message) => `${m.ko} / ${m.en}`;

/** One value or many: `?dong=a&dong=b`, `?dong=a,b` or `['a','b']`. Empty strings are dropped. */
const manyStrings = z.union([z.string(), z.array(z.string())]).transform((v) =>
  (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== ''),
);

const numberList = (message: Message) =>
  z
    .union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => String(s).split(','))
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(/^[1-9]\d{0,2}$/, { error: bilingual(message) })
          .transform(Number),
      ),
    );

const codeList = (pattern: RegExp, message: Message) =>
  manyStrings.pipe(
    z
      .array(
        z
          .string()
          .max(64, { error: bilingual(message) })
          .regex(pattern, { error: bilingual(message) }),
      )
      .max(5000, { error: bilingual(message) }),
  );

/** Filters of every comparison. Absent or empty means all. */
const filterShape = {
  phase: numberList(filterMessages.phase).optional(),
  district: codeList(/^\d{5}$/, filterMessages.district).optional(),
  dong: codeList(/^[\p{L}\p{N}_.-]+$/u, filterMessages.dong).optional(),
  cohort: numberList(filterMessages.cohort).optional(),
  city: codeList(/^\d{2}$/, filterMessages.city).optional(),
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
  agendas: comparisonFilterSchema,
  council: comparisonFilterSchema,
  governance: comparisonFilterSchema,
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
      message: {
        ko: `알 수 없는 필터 '${filter}'입니다 (phase, district, dong, cohort, city만 쓸 수 있습니다).`,
        en: `Unknown filter '${filter}' (only phase, district, dong, cohort, city).`,
      },
    };
  }
  return { filter, message: known ?? filterMessages.unknown };
}
