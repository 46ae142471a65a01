// Every string the task pane shows, Korean first. English is used when Office's display language is
// not Korean (in a plain browser: Korean, unless the page is opened with ?lang=en).

export type Locale = 'ko' | 'en';

const ko = {
  appTitle: '자치 장부',
  loading: '불러오는 중…',
  tokenLabel: '토큰',
  tokenHint: '관리자에게 받은 토큰을 붙여 넣으세요. 이 컴퓨터에 기억됩니다.',
  signIn: '로그인',
  signOut: '로그아웃',
  signingIn: '토큰을 확인하는 중…',
  tokenMissing: '토큰을 입력하세요.',
  signedInAs: (role: string, scope: string) => `${role} · ${scope}`,
  scopeAll: '전체 동',
  scopeDongs: (n: number) => `동 ${n.toLocaleString('ko-KR')}곳`,
  scopeDistrict: (name: string) => `${name} 소속 동`,
  plainBrowser: '브라우저에서 열었습니다. 요약·비교·질의는 여기서도 볼 수 있습니다.',
  inExcel: 'Excel에 연결되었습니다.',
  views: '화면',
  tabSync: '동기화',
  tabSummary: '요약',
  tabCompare: '비교',
  tabQuery: '질의',
  syncNeedsExcel: 'Excel에서 열면 동기화할 수 있습니다',
  syncComing: '동기화 화면을 준비하는 중입니다.',
  errorNetwork: '서비스에 연결할 수 없습니다. 네트워크와 서비스 주소를 확인하세요.',
  errorUnexpected: (status: number) => `서비스가 예상하지 못한 응답을 보냈습니다 (HTTP ${status}).`,
  retry: '다시 시도',
  noRows: '표시할 자료가 없습니다.',
  rowsCount: (shown: number, total: number) => `${total.toLocaleString('ko-KR')}행 중 ${shown.toLocaleString('ko-KR')}행 표시`,
  previousPage: '이전 쪽',
  nextPage: '다음 쪽',
  pageOf: (page: number, pages: number) => `${pages}쪽 중 ${page}쪽`,
  sortBy: (column: string) => `${column} 기준으로 정렬`,
  all: '전체',
  phaseName: (phase: number | string) => `${phase}단계`,
  // 요약
  summaryHeadline: '단계별 주요 지표',
  summaryDongs: '동별 지표',
  summarySection: '동별 지표와 그래프',
  summaryNote: '순위가 아닙니다. 시 중앙값보다 낮거나 1단계보다 낮아진 동을 지원이 필요할 수 있는 곳으로 표시합니다.',
  searchDong: '동 이름 검색',
  onlyNeedsSupport: '지원 검토 대상만 보기',
  needsSupport: '지원 검토',
  belowMedian: '시 중앙값보다 낮음',
  belowOwnPhase1: '1단계보다 낮아짐',
  figure: '지표',
  chartOf: (figure: string) => `동별 ${figure}: 1단계와 2단계`,
  cityMedian: '시 중앙값',
  change: '변화',
  district: '구',
  dong: '동',
  phase1: '1단계',
  phase2: '2단계',
  // 비교
  compareName: '비교 항목',
  comparePhase: '단계',
  compareDistrict: '구',
  compareDong: '동',
  show: '보기',
  compareNames: {
    spending: '예산 집행',
    participation: '주민 참여',
    progress: '추진 현황',
    phases: '1단계 대비 2단계',
    summary: '시 요약',
  },
  chartFigure: '그래프 지표',
  // 질의
  sqlLabel: 'SQL (읽기 전용)',
  sqlHint: '분석용 보기 spending, participation, progress, dongs, districts, phases 를 조회할 수 있습니다.',
  limitLabel: '최대 행 수',
  run: '실행',
  running: '실행하는 중…',
} as const;

type Widen<T> = T extends (...args: infer A) => string ? (...args: A) => string : T extends string ? string : { [K in keyof T]: Widen<T[K]> };
export type Strings = { [K in keyof typeof ko]: Widen<(typeof ko)[K]> };

const en: Strings = {
  appTitle: 'Jachi Ledger',
  loading: 'Loading…',
  tokenLabel: 'Token',
  tokenHint: 'Paste the token your administrator gave you. This computer remembers it.',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signingIn: 'Checking the token…',
  tokenMissing: 'Enter a token.',
  signedInAs: (role, scope) => `${role} · ${scope}`,
  scopeAll: 'all dongs',
  scopeDongs: (n) => `${n.toLocaleString('en-US')} dong${n === 1 ? '' : 's'}`,
  scopeDistrict: (name) => `dongs of ${name}`,
  plainBrowser: 'Opened in a browser. Summary, compare and query work here too.',
  inExcel: 'Connected to Excel.',
  views: 'Views',
  tabSync: 'Sync',
  tabSummary: 'Summary',
  tabCompare: 'Compare',
  tabQuery: 'Query',
  syncNeedsExcel: 'Open this in Excel to sync your sheets',
  syncComing: 'The sync view is being prepared.',
  errorNetwork: 'Cannot reach the service. Check the network and the service address.',
  errorUnexpected: (status) => `The service sent an unexpected answer (HTTP ${status}).`,
  retry: 'Try again',
  noRows: 'Nothing to show.',
  rowsCount: (shown, total) => `showing ${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows`,
  previousPage: 'Previous page',
  nextPage: 'Next page',
  pageOf: (page, pages) => `page ${page} of ${pages}`,
  sortBy: (column) => `Sort by ${column}`,
  all: 'All',
  phaseName: (phase) => `Phase ${phase}`,
  summaryHeadline: 'Headline figures by phase',
  summaryDongs: 'Figures by dong',
  summarySection: 'Figures and chart by dong',
  summaryNote: 'Not a ranking. Dongs below the city median, or below their own phase 1, are marked as possibly needing support.',
  searchDong: 'Search dong name',
  onlyNeedsSupport: 'Only dongs that may need support',
  needsSupport: 'May need support',
  belowMedian: 'below the city median',
  belowOwnPhase1: 'below its own phase 1',
  figure: 'Figure',
  chartOf: (figure) => `${figure} by dong: phase 1 and phase 2`,
  cityMedian: 'City median',
  change: 'Change',
  district: 'District',
  dong: 'Dong',
  phase1: 'Phase 1',
  phase2: 'Phase 2',
  compareName: 'Comparison',
  comparePhase: 'Phase',
  compareDistrict: 'District',
  compareDong: 'Dong',
  show: 'Show',
  compareNames: {
    spending: 'Spending',
    participation: 'Participation',
    progress: 'Progress',
    phases: 'Phase 1 against phase 2',
    summary: 'City summary',
  },
  chartFigure: 'Chart figure',
  sqlLabel: 'SQL (read-only)',
  sqlHint: 'Query the analytic views spending, participation, progress, dongs, districts and phases.',
  limitLabel: 'Row limit',
  run: 'Run',
  running: 'Running…',
};

export const strings: Record<Locale, Strings> = { ko, en };

/** Korean unless Office says its display language is something else; ?lang= overrides. */
export function chooseLocale(displayLanguage: string | null, search = ''): Locale {
  const asked = new URLSearchParams(search).get('lang');
  if (asked === 'ko' || asked === 'en') return asked;
  if (!displayLanguage) return 'ko';
  return displayLanguage.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

export const roleNames: Record<Locale, Record<string, string>> = {
  ko: { dong: '동 담당', district: '구 담당', analyst: '분석가', manager: '시 관리자', admin: '시스템 관리자' },
  en: { dong: 'Dong official', district: 'District official', analyst: 'Analyst', manager: 'City manager', admin: 'Administrator' },
};

/** Headline figures of the summary, with their definitions (used when /api/meta gives none). */
export const figureNames = {
  ko: {
    executionRate: ['집행률', '집행액 ÷ 예산액. 집행액이 빈 줄은 집행하지 않은 것으로 봅니다.'],
    participantsPer1000: ['주민 1,000명당 참여', '참여인원 ÷ 그 해 동 인구 × 1,000.'],
    completionRate: ['추진과제 완료율', '상태가 완료인 추진과제 ÷ 전체 추진과제.'],
  },
  en: {
    executionRate: ['Execution rate', 'Executed ÷ budget; a blank executed amount counts as nothing executed.'],
    participantsPer1000: ['Participants per 1,000 residents', "Participants ÷ the dong's population that year × 1,000."],
    completionRate: ['Milestone completion', 'Milestones with status 완료 ÷ all milestones.'],
  },
} as const satisfies Record<Locale, Record<string, readonly [string, string]>>;

export type HeadlineFigure = keyof (typeof figureNames)['ko'];
export const headlineFigures: readonly HeadlineFigure[] = ['executionRate', 'participantsPer1000', 'completionRate'];

/** Column labels for comparison and query results (field name → label). */
export const fieldLabels: Record<Locale, Record<string, string>> = {
  ko: {
    district: '구', dong: '동 코드', dongName: '동', phase: '단계', category: '비목', budgetKrw: '예산액(원)', executedKrw: '집행액(원)',
    executionRate: '집행률', executedPerResident: '주민 1인당 집행액(원)', events: '활동 수', participants: '참여인원',
    newParticipants: '신규참여', participantsPer1000: '1,000명당 참여', assemblyParticipants: '주민총회 참여', votes: '투표수',
    milestones: '추진과제', completed: '완료', completionRate: '완료율', avgProgressPct: '평균 진척률(%)', delayed: '지연',
    medianDelayDays: '지연 일수(중앙값)', phase1: '1단계', phase2: '2단계', delta: '변화', figure: '지표',
  },
  en: {
    district: 'District', dong: 'Dong code', dongName: 'Dong', phase: 'Phase', category: 'Category', budgetKrw: 'Budget (KRW)',
    executedKrw: 'Executed (KRW)', executionRate: 'Execution rate', executedPerResident: 'Executed per resident (KRW)', events: 'Events',
    participants: 'Participants', newParticipants: 'New participants', participantsPer1000: 'Per 1,000 residents',
    assemblyParticipants: 'Assembly participants', votes: 'Votes', milestones: 'Milestones', completed: 'Completed',
    completionRate: 'Completion rate', avgProgressPct: 'Average progress (%)', delayed: 'Delayed', medianDelayDays: 'Median delay (days)',
    phase1: 'Phase 1', phase2: 'Phase 2', delta: 'Change', figure: 'Figure',
  },
};
