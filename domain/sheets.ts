import { codeLists, type CodeListName } from './codes.ts';

/**
 * How a field is typed in the API (typed JSON values) and shown in Excel.
 * dong: a dong code or exact name · phase: a phase number · year: a whole year ·
 * money: whole won (may be negative only where noted) · count: a whole number ≥ 0 ·
 * percent: 0–100 · date: YYYY-MM-DD · boolean · code: one of a code list · text.
 */
export type FieldType = 'dong' | 'phase' | 'year' | 'money' | 'count' | 'percent' | 'date' | 'boolean' | 'code' | 'text';

export interface ColumnDef {
  field: string;
  header: string;
  /** English label, for messages and the English UI. */
  label: string;
  type: FieldType;
  required: boolean;
  codeList?: CodeListName;
}

export const kinds = ['spending', 'participation', 'progress', 'agendas', 'council'] as const;
export type Kind = (typeof kinds)[number];

export interface SheetDef {
  kind: Kind;
  /** The sheet (and Excel table) name officials know. */
  sheet: string;
  /** The Excel table's name (ASCII, as Excel requires no spaces). */
  table: string;
  columns: readonly ColumnDef[];
}

/**
 * Kinds whose rows may name a unit above the dong in 동 — a district (구) or the city — for the work
 * done there (워킹그룹, 실무협의회, 토론회, an ordinance): never counted in a dong's figures.
 */
export const unitKinds: readonly Kind[] = ['participation', 'progress'];

/** The hidden first column of every synced table. */
export const rowIdHeader = '행ID';

const dong: ColumnDef = { field: 'dong', header: '동', label: 'Dong', type: 'dong', required: true };
const phase: ColumnDef = { field: 'phase', header: '단계', label: 'Phase', type: 'phase', required: true };
const note: ColumnDef = { field: 'note', header: '비고', label: 'Note', type: 'text', required: false };

export const sheets: Record<Kind, SheetDef> = {
  spending: {
    kind: 'spending',
    sheet: '예산집행',
    table: 'JachiSpending',
    columns: [
      dong,
      phase,
      { field: 'fiscalYear', header: '회계연도', label: 'Fiscal year', type: 'year', required: true },
      { field: 'category', header: '비목', label: 'Category', type: 'code', required: true, codeList: 'category' },
      { field: 'item', header: '세부내역', label: 'Item', type: 'text', required: false },
      { field: 'fundingSource', header: '재원', label: 'Funding source', type: 'code', required: false, codeList: 'fundingSource' },
      { field: 'budgetKrw', header: '예산액(원)', label: 'Budget (KRW)', type: 'money', required: true },
      { field: 'executedKrw', header: '집행액(원)', label: 'Executed (KRW)', type: 'money', required: false },
      { field: 'carriedOverKrw', header: '이월액(원)', label: 'Carried over (KRW)', type: 'money', required: false },
      { field: 'returnedKrw', header: '반납액(원)', label: 'Returned (KRW)', type: 'money', required: false },
      { field: 'executedOn', header: '집행일', label: 'Executed on', type: 'date', required: false },
      { field: 'agenda', header: '관련 의제', label: 'Agenda', type: 'text', required: false },
      note,
    ],
  },
  participation: {
    kind: 'participation',
    sheet: '주민참여',
    table: 'JachiParticipation',
    columns: [
      dong,
      phase,
      { field: 'date', header: '일자', label: 'Date', type: 'date', required: true },
      { field: 'activity', header: '활동유형', label: 'Activity', type: 'code', required: true, codeList: 'activity' },
      { field: 'title', header: '활동명', label: 'Title', type: 'text', required: false },
      { field: 'participants', header: '참여인원', label: 'Participants', type: 'count', required: true },
      { field: 'newParticipants', header: '신규참여', label: 'New participants', type: 'count', required: false },
      { field: 'voters', header: '투표자 수', label: 'Voters', type: 'count', required: false },
      { field: 'votersOnline', header: '온라인·사전 투표자', label: 'Voters online or early', type: 'count', required: false },
      { field: 'online', header: '온라인', label: 'Online', type: 'boolean', required: false },
      note,
    ],
  },
  progress: {
    kind: 'progress',
    sheet: '추진현황',
    table: 'JachiProgress',
    columns: [
      dong,
      phase,
      { field: 'milestone', header: '추진과제', label: 'Milestone', type: 'code', required: true, codeList: 'milestone' },
      { field: 'plannedOn', header: '계획일', label: 'Planned on', type: 'date', required: false },
      { field: 'completedOn', header: '완료일', label: 'Completed on', type: 'date', required: false },
      { field: 'status', header: '상태', label: 'Status', type: 'code', required: true, codeList: 'status' },
      { field: 'progressPct', header: '진척률(%)', label: 'Progress (%)', type: 'percent', required: false },
      note,
    ],
  },
  agendas: {
    kind: 'agendas',
    sheet: '자치계획',
    table: 'JachiAgendas',
    columns: [
      dong,
      phase,
      { field: 'fiscalYear', header: '회계연도', label: 'Fiscal year', type: 'year', required: true },
      { field: 'title', header: '의제명', label: 'Agenda', type: 'text', required: true },
      { field: 'subcommittee', header: '분과', label: 'Subcommittee', type: 'text', required: false },
      { field: 'proposedOn', header: '발굴일', label: 'Proposed on', type: 'date', required: false },
      { field: 'assemblyOn', header: '총회 상정일', label: 'Put to the assembly on', type: 'date', required: false },
      { field: 'votesFor', header: '찬성', label: 'Votes for', type: 'count', required: false },
      { field: 'votesAgainst', header: '반대', label: 'Votes against', type: 'count', required: false },
      { field: 'adopted', header: '가결', label: 'Adopted', type: 'boolean', required: false },
      { field: 'estimatedCostKrw', header: '예상 사업비(원)', label: 'Estimated cost (KRW)', type: 'money', required: false },
      { field: 'fundingRoute', header: '추진 재원', label: 'Funding route', type: 'code', required: false, codeList: 'fundingRoute' },
      { field: 'status', header: '상태', label: 'Status', type: 'code', required: true, codeList: 'agendaStatus' },
      { field: 'completedOn', header: '완료일', label: 'Completed on', type: 'date', required: false },
      note,
    ],
  },
  council: {
    kind: 'council',
    sheet: '위원구성',
    table: 'JachiCouncil',
    columns: [
      dong,
      phase,
      { field: 'fiscalYear', header: '회계연도', label: 'Fiscal year', type: 'year', required: true },
      { field: 'asOf', header: '기준일', label: 'As of', type: 'date', required: false },
      { field: 'seats', header: '정원', label: 'Seats', type: 'count', required: false },
      { field: 'applicants', header: '신청자', label: 'Applicants', type: 'count', required: false },
      { field: 'selectedByLottery', header: '추첨 선정', label: 'Selected by lottery', type: 'count', required: false },
      { field: 'members', header: '위원 수', label: 'Members', type: 'count', required: true },
      { field: 'women', header: '여성', label: 'Women', type: 'count', required: false },
      { field: 'youth', header: '청년(19–34세)', label: 'Youth (19–34)', type: 'count', required: false },
      { field: 'subcommittees', header: '분과 수', label: 'Subcommittees', type: 'count', required: false },
      { field: 'trainingCompleted', header: '교육 이수 위원', label: 'Members trained', type: 'count', required: false },
      note,
    ],
  },
};

/** Fields the service stamps; a client that sends them has the row rejected. */
export const serviceOwnedFields = ['rowId', 'revision', 'deleted', 'updatedBy', 'updatedAt', 'source', 'batchId', 'dongName', 'district'] as const;

export function isKind(value: string): value is Kind {
  return (kinds as readonly string[]).includes(value);
}

export function columnOf(kind: Kind, field: string): ColumnDef | undefined {
  return sheets[kind].columns.find((c) => c.field === field);
}

export function codesOf(column: ColumnDef): readonly string[] | undefined {
  return column.codeList ? codeLists[column.codeList] : undefined;
}

/** The JSON-facing column description served by /api/meta. */
export function metaColumns(kind: Kind) {
  return sheets[kind].columns.map((c) => ({
    field: c.field,
    header: c.header,
    label: c.label,
    type: c.type,
    required: c.required,
    ...(c.codeList ? { codes: [...codeLists[c.codeList]] } : {}),
  }));
}
