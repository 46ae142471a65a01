import { kinds, rowIdHeader, sheets, type Kind } from '../sheets.ts';
import type { GridCell } from './grid.ts';
import { isMoneyUnit, type MoneyUnit } from './numbers.ts';
import { cleanText, compactKey } from './text.ts';

/**
 * Header synonyms: every way officials title a column, per field. A kind's own header (sheets.ts)
 * is always a synonym of its field. Compared through compactKey, with any unit in brackets removed.
 */
export const headerSynonyms: Record<string, readonly string[]> = {
  dong: ['동', '동명', '동이름', '행정동', '행정동명', '읍면동', '읍면동명', '시범동', '자치회', '주민자치회', '동주민센터', '대상동'],
  phase: ['단계', '구분', '차수', '시범단계', '사업단계', '추진단계'],
  note: ['비고', '메모', '참고', '참고사항', '특이사항'],
  fiscalYear: ['회계연도', '연도', '년도', '회계년도', '사업연도', '사업년도', '예산연도'],
  // 세출예산 과목 (장·관·항·세항·목·세목): the 목 levels name what the money is for, as 비목 does.
  category: ['비목', '비목명', '예산비목', '항목', '예산항목', '예산과목', '과목', '과목명', '세출과목', '목', '세목', '통계목', '편성목'],
  item: [
    '세부내역',
    '내역',
    '세부항목',
    '산출내역',
    '세부사업',
    '집행내역',
    '내용',
    '사업명',
    '사업내용',
    '세부사업명',
    '내역사업',
    '단위사업',
    '산출근거',
    '적요',
    '집행내용',
    '지출내역',
  ],
  fundingSource: ['재원', '재원구분', '예산재원', '재원별', '예산구분', '재원내역'],
  budgetKrw: ['예산액', '예산', '예산금액', '배정액', '편성액', '예산현액', '본예산', '예산편성액', '세출예산액', '교부액', '교부금액'],
  executedKrw: ['집행액', '집행금액', '지출액', '지출금액', '집행실적', '사용액', '지출결정액', '집행누계', '누계집행액'],
  carriedOverKrw: ['이월액', '이월금액', '이월', '명시이월', '사고이월', '다음연도이월액'],
  returnedKrw: ['반납액', '반납금액', '반납', '집행잔액반납', '잔액반납'],
  agenda: ['관련의제', '의제', '의제명', '관련사업', '자치계획의제'],
  executedOn: ['집행일', '집행일자', '지출일', '지출일자', '집행날짜'],
  date: ['일자', '날짜', '일시', '활동일', '활동일자', '개최일', '개최일자', '행사일'],
  activity: ['활동유형', '유형', '활동구분', '활동종류', '활동분류'],
  title: ['활동명', '행사명', '제목', '활동내용', '회의명', '교육명', '프로그램명', '안건'],
  participants: ['참여인원', '참여자수', '참여자', '참여인원수', '참석인원', '참석자수', '참석자', '인원'],
  newParticipants: ['신규참여', '신규참여자', '신규참여인원', '신규참여자수', '신규'],
  // 투표수 (the first wave's header) reads as voters: people who voted, whatever the channel.
  voters: ['투표수', '투표자수', '투표자', '투표인원', '투표참여', '투표참여자수', '총투표자수'],
  votersOnline: ['온라인사전투표자', '온라인투표자', '온라인투표', '사전투표자', '사전투표', '온라인사전투표', '온라인투표자수'],
  online: ['온라인', '온라인여부', '비대면', '온라인개최', '온라인병행'],
  milestone: ['추진과제', '과제', '과제명', '추진사항', '추진항목'],
  plannedOn: ['계획일', '계획일자', '예정일', '예정일자', '목표일', '목표일자'],
  completedOn: ['완료일', '완료일자', '실제완료일', '완료일시'],
  status: ['상태', '진행상태', '추진상태', '진행상황', '추진상황'],
  progressPct: ['진척률', '진척도', '진행률', '진도율', '추진율', '추진률'],
  subcommittee: ['분과', '분과명', '담당분과', '소관분과'],
  proposedOn: ['발굴일', '발굴일자', '제안일', '제안일자', '접수일'],
  assemblyOn: ['총회상정일', '상정일', '총회일', '주민총회일', '총회일자'],
  votesFor: ['찬성', '찬성수', '찬성표', '찬성인원'],
  votesAgainst: ['반대', '반대수', '반대표', '반대인원'],
  adopted: ['가결', '가결여부', '채택', '채택여부', '선정여부'],
  estimatedCostKrw: ['예상사업비', '사업비', '소요예산', '예상비용', '추정사업비', '소요액'],
  fundingRoute: ['추진재원', '재원', '사업재원', '예산구분'],
  asOf: ['기준일', '기준일자', '작성기준일', '현황기준일'],
  seats: ['정원', '위원정원', '정수'],
  applicants: ['신청자', '신청자수', '지원자', '지원자수', '신청인원'],
  selectedByLottery: ['추첨선정', '추첨', '추첨선정자', '추첨인원', '추첨위원'],
  members: ['위원수', '위원', '현원', '위원현원', '위촉위원수'],
  women: ['여성', '여성위원', '여성위원수', '여성수'],
  youth: ['청년', '청년위원', '청년위원수', '청년1934세'],
  subcommittees: ['분과수', '분과개수'],
  trainingCompleted: ['교육이수위원', '교육이수', '교육이수자', '이수위원수', '교육이수자수'],
};

/** Columns that only number the rows (연번, 순번, No): read past, never imported. */
export const ignoredHeaders = ['연번', '순번', '번호', '일련번호', '순', 'no', 'no.', '#'];

/** The pseudo-field of the hidden 행ID column. */
export const rowIdField = 'rowId';

export interface HeaderColumn {
  /** The column's letters (A, B, …). */
  column: string;
  /** The header as written, cleaned of stray spaces. */
  header: string;
  field: string;
  /** The money unit the column's numbers are in; null for other columns. */
  unit: MoneyUnit | null;
}

const unitInBrackets = /[([（［]\s*(?:단위\s*[:：]?\s*)?(천원|백만원|만원|억원|원|%|명|건|회|개)\s*[)\]）］]/u;
const brackets = /[([（［][^)\]）］]*[)\]）］]/gu;
const trailingUnit = /(천원|백만원|만원|억원)$/u;

const synonymIndex = new Map<Kind, Map<string, string>>();
for (const kind of kinds) {
  const index = new Map<string, string>();
  for (const column of sheets[kind].columns) {
    for (const s of [column.header, ...(headerSynonyms[column.field] ?? [])]) {
      const key = headerKey(s).key;
      if (!index.has(key)) index.set(key, column.field);
    }
  }
  index.set(headerKey(rowIdHeader).key, rowIdField);
  synonymIndex.set(kind, index);
}
const ignoredKeys = new Set(ignoredHeaders.map((h) => compactKey(h)));

/** A header's comparison key and the unit written in it: "예산액 (단위: 천원)" → 예산액, 천원. */
export function headerKey(text: string): { key: string; unit: string | undefined } {
  const t = cleanText(text);
  const inBrackets = unitInBrackets.exec(t)?.[1];
  let key = compactKey(t.replace(brackets, ''));
  let unit = inBrackets;
  const trailing = trailingUnit.exec(key);
  if (!unit && trailing && key.length > (trailing[1] as string).length) {
    unit = trailing[1];
    key = key.slice(0, -(trailing[1] as string).length);
  }
  return { key, unit };
}

/** The field a header names in a kind, or undefined. */
export function headerField(kind: Kind, text: string): string | undefined {
  return synonymIndex.get(kind)?.get(headerKey(text).key);
}

/**
 * Headers an official mapped by hand (the pane's adopt dialog, the upload page, `--map`, the
 * `map` field of POST /api/import): the header as written → a field (`category`) or its Korean
 * header (`비목`), or one of `ignoreTargets` to leave the column out. Keys compare as headers do
 * (spaces, brackets and units aside). A mapping wins over the synonyms.
 */
export type HeaderMap = Readonly<Record<string, string>>;

/** Targets that leave a column out. */
export const ignoreTargets: readonly string[] = ['', '-', 'ignore', '무시', '제외'];

/**
 * The field a mapping target names in a kind: a field name or a header of the kind (or a synonym);
 * null when the column is to be ignored; undefined when the target names nothing of the kind.
 */
export function mapTarget(kind: Kind, target: string): string | null | undefined {
  const t = cleanText(target);
  if (ignoreTargets.includes(t.toLowerCase())) return null;
  if (t === rowIdField) return rowIdField;
  const byField = sheets[kind].columns.find((c) => c.field === t);
  if (byField) return byField.field;
  return synonymIndex.get(kind)?.get(headerKey(t).key);
}

export interface HeaderMapProblem {
  header: string;
  target: string;
  message: { ko: string; en: string };
}

/**
 * Reads `"예산과목=category,사업내용=item"` (also `→` or `:` for `=`, `;` or new lines between
 * pairs). Every pair must name a field of some kind (or of `kind`), or ignore the column.
 */
export function parseHeaderMap(text: string, kind?: Kind): { map: Record<string, string>; problems: HeaderMapProblem[] } {
  const map: Record<string, string> = {};
  const problems: HeaderMapProblem[] = [];
  for (const pair of text.split(/[,;\n]/u)) {
    if (cleanText(pair) === '') continue;
    const m = /^(.*?)\s*(?:=|→|->|:)\s*(.*)$/u.exec(pair.trim());
    const header = cleanText(m?.[1] ?? pair);
    const target = cleanText(m?.[2] ?? '');
    if (!m || header === '') {
      problems.push({
        header,
        target,
        message: {
          ko: `'${cleanText(pair)}': '열 제목=항목' 형식으로 쓰세요 (예: 예산과목=category).`,
          en: `'${cleanText(pair)}': write 'header=field' (e.g. 예산과목=category).`,
        },
      });
      continue;
    }
    map[header] = target;
  }
  problems.push(...checkHeaderMap(map, kind));
  return { map, problems };
}

/** Pairs of a mapping whose target names no field (of `kind`, or of any kind). */
export function checkHeaderMap(map: HeaderMap, kind?: Kind): HeaderMapProblem[] {
  const problems: HeaderMapProblem[] = [];
  for (const [header, target] of Object.entries(map)) {
    if (typeof target !== 'string') {
      problems.push({ header, target: String(target), message: { ko: `'${header}': 항목 이름은 글자여야 합니다.`, en: `'${header}': the field must be text.` } });
      continue;
    }
    if ((kind ? [kind] : kinds).some((k) => mapTarget(k, target) !== undefined)) continue;
    const fields = kind ? sheets[kind].columns.map((c) => `${c.field}(${c.header})`).join(', ') : '';
    problems.push({
      header,
      target,
      message: {
        ko: `'${header}=${target}': '${target}'은(는) 알 수 없는 항목입니다.${fields ? ` 쓸 수 있는 항목: ${fields}` : ''} 열을 빼려면 '${header}=무시'.`,
        en: `'${header}=${target}': '${target}' names no field.${fields ? ` Fields: ${fields}.` : ''} To leave the column out: '${header}=ignore'.`,
      },
    });
  }
  return problems;
}

/** A mapping as the normaliser looks it up: header key → target. */
function mapIndex(map: HeaderMap | undefined): Map<string, string> | undefined {
  if (!map) return undefined;
  const index = new Map<string, string>();
  for (const [header, target] of Object.entries(map)) index.set(headerKey(header).key, target);
  return index.size > 0 ? index : undefined;
}

export interface HeaderMapping {
  kind: Kind;
  columns: { col: number; header: string; field: string; unit: string | undefined }[];
  ignored: { col: number; header: string }[];
  /** Fields named by two or more columns. */
  duplicates: string[];
}

/** Maps one row's cells (index 0 is column A) as a header of `kind`, through the official's mapping first. */
export function mapHeaderRow(kind: Kind, cells: readonly (GridCell | undefined)[], map?: HeaderMap): HeaderMapping {
  return mapHeaderCells(kind, cells, mapIndex(map));
}

function mapHeaderCells(kind: Kind, cells: readonly (GridCell | undefined)[], byHand: Map<string, string> | undefined): HeaderMapping {
  const columns: HeaderMapping['columns'] = [];
  const ignored: HeaderMapping['ignored'] = [];
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  cells.forEach((cell, i) => {
    const value = cell?.value;
    if (typeof value !== 'string' || cleanText(value) === '') return;
    const header = cleanText(value);
    const { key, unit } = headerKey(header);
    const mapped = byHand?.has(key) ? mapTarget(kind, byHand.get(key) as string) : undefined;
    if (mapped === null) {
      ignored.push({ col: i + 1, header });
      return;
    }
    const field = mapped ?? synonymIndex.get(kind)?.get(key);
    if (field) {
      if (seen.has(field)) duplicates.add(field);
      seen.add(field);
      columns.push({ col: i + 1, header, field, unit });
    } else {
      ignored.push({ col: i + 1, header });
    }
  });
  return { kind, columns, ignored, duplicates: [...duplicates] };
}

const sharedFields = new Set(['dong', 'phase', 'note', rowIdField]);

/** How well a row reads as a header of a kind: fields named, and of those the kind's own. */
export function headerScore(mapping: HeaderMapping): { fields: number; own: number } {
  const fields = new Set(mapping.columns.map((c) => c.field));
  let own = 0;
  for (const f of fields) if (!sharedFields.has(f)) own++;
  return { fields: fields.size, own };
}

/**
 * The best reading of a row as a header: of the given kind, or of the kind whose own fields it
 * names most (a tie between kinds is no reading). A header names at least two fields, one of them
 * the kind's own.
 */
export function readHeaderRow(cells: readonly (GridCell | undefined)[], kind?: Kind, map?: HeaderMap): HeaderMapping | undefined {
  const byHand = mapIndex(map);
  const candidates = (kind ? [kind] : kinds).map((k) => mapHeaderCells(k, cells, byHand));
  let best: HeaderMapping | undefined;
  let bestScore = { fields: 0, own: 0 };
  let tie = false;
  for (const m of candidates) {
    const s = headerScore(m);
    if (s.fields < 2 || s.own < 1) continue;
    if (!best || s.own > bestScore.own || (s.own === bestScore.own && s.fields > bestScore.fields)) {
      best = m;
      bestScore = s;
      tie = false;
    } else if (s.own === bestScore.own && s.fields === bestScore.fields) {
      tie = true;
    }
  }
  return tie ? undefined : best;
}

/** True when a text is one of the row-numbering headers (연번, 순번, No). */
export function isIgnoredHeader(text: string): boolean {
  return ignoredKeys.has(headerKey(text).key);
}

const unitDeclaration = /단위\s*[:：]?\s*(천원|백만원|만원|억원|원)/u;
const bareUnit = /^[([（［]\s*(천원|백만원|만원|억원|원)\s*[)\]）］]$/u;

/** A money unit declared in a title cell: "(단위: 천원)", "단위 : 백만원", "[천원]". */
export function declaredUnit(text: string): MoneyUnit | undefined {
  const t = cleanText(text);
  const unit = unitDeclaration.exec(t)?.[1] ?? bareUnit.exec(t)?.[1];
  return unit && isMoneyUnit(unit) ? unit : undefined;
}
