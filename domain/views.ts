/**
 * The analytic views analysts query (`POST /api/query`), as the schema panel names them: each view
 * and the columns every row carries beside its sheet's fields (whose names are in sheets.ts).
 */
import type { Message } from './messages.ts';
import { isKind, sheets } from './sheets.ts';

/** The views, in the order the panel lists them, with what each holds. */
export const analyticViews: Record<string, Message> = {
  spending: { ko: '예산집행: 예산 라인 (살아 있는 행)', en: 'Budget execution: budget lines (live rows)' },
  participation: { ko: '주민참여: 활동과 참여 (살아 있는 행)', en: 'Participation: events and attendance (live rows)' },
  progress: { ko: '추진현황: 추진과제 (살아 있는 행)', en: 'Progress: milestones (live rows)' },
  agendas: { ko: '자치계획: 의제 (살아 있는 행)', en: 'Autonomy plan: agendas (live rows)' },
  council: { ko: '위원구성: 주민자치회 구성 (살아 있는 행)', en: 'Council make-up (live rows)' },
  dongs: { ko: '동: 코드, 이름, 구, 기수, 인구', en: 'Dongs: code, name, district, cohort, population' },
  districts: { ko: '구', en: 'Districts' },
  cities: { ko: '시·도', en: 'Cities' },
  phases: { ko: '단계: 기간', en: 'Phases: periods' },
};

/** Columns that are not a sheet's field: the row's place, its version and who wrote it. */
export const viewColumnLabels: Record<string, Message> = {
  rowId: { ko: '행ID', en: 'Row id' },
  revision: { ko: '판(리비전)', en: 'Revision' },
  city: { ko: '시·도 코드', en: 'City code' },
  district: { ko: '구 코드', en: 'District code' },
  dong: { ko: '동 코드 (구·시 단위 행은 그 코드)', en: 'Dong code (a district or city code for their own rows)' },
  dongName: { ko: '동', en: 'Dong' },
  cohort: { ko: '기수 (동이 참여한 단계)', en: 'Cohort (the phase the dong joined)' },
  level: { ko: '단위 (동·구·시)', en: 'Level (dong, district, city)' },
  updatedBy: { ko: '수정한 사람', en: 'Updated by' },
  updatedAt: { ko: '수정 시각', en: 'Updated at' },
  source: { ko: '통합문서', en: 'Workbook' },
  code: { ko: '코드', en: 'Code' },
  name: { ko: '이름', en: 'Name' },
  adminCode: { ko: '행정동 코드 (10자리)', en: '행정동 code (10 digits)' },
  joinedPhase: { ko: '참여 단계 (기수)', en: 'Phase joined (cohort)' },
  populationIllustrative: { ko: '인구가 예시임', en: 'Population illustrative' },
  phase: { ko: '단계', en: 'Phase' },
  year: { ko: '연도', en: 'Year' },
  startOn: { ko: '시작일', en: 'Start' },
  endOn: { ko: '종료일', en: 'End' },
};

/** A column's label in a view: its sheet's header where the view is a kind, else the shared label. */
export function viewColumnLabel(view: string, column: string): Message | undefined {
  if (isKind(view)) {
    const def = sheets[view].columns.find((c) => c.field === column);
    if (def && column !== 'dong' && column !== 'phase') return { ko: def.header, en: def.label };
  }
  return viewColumnLabels[column];
}
