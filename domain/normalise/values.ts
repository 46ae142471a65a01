import { codeLists, type CodeListName } from '../codes.ts';
import type { ReferenceIndex } from '../reference.ts';
import type { ColumnDef } from '../sheets.ts';
import { excelErrorLiterals, isCellError, type GridCell } from './grid.ts';
import { isDateFormat, isPercentFormat, isYearOnlyFormat, parseDateText, serialToIso } from './dates.ts';
import type { CellMessageCode } from './messages.ts';
import { countUnits, decimalValue, isMoneyUnit, parseNumberText, scaleNumber, unitShift, type MoneyUnit } from './numbers.ts';
import { cleanText, compactKey, withoutSpaces } from './text.ts';

/** What reading one cell gives: a value for the rules (null is blank), or why it cannot be read. */
export type CellReading = { value: unknown } | { code: CellMessageCode };

export interface ReadContext {
  date1904: boolean;
  /** The money unit of this column (from its header or a title row). */
  unit: MoneyUnit;
  ref: ReferenceIndex;
}

const errorLiterals = new Set<string>(excelErrorLiterals);

/** True when a cell holds nothing: no value, or only spaces. */
export function isBlankCell(cell: GridCell | undefined): boolean {
  const v = cell?.value;
  return v === undefined || v === null || (typeof v === 'string' && cleanText(v) === '');
}

/** The cell as an official sees it, for messages and reports: dates as YYYY-MM-DD, errors as #N/A. */
export function shownValue(cell: GridCell | undefined, date1904: boolean): string | number | boolean | null {
  const v = cell?.value;
  if (v === undefined || v === null) return null;
  if (isCellError(v)) return v.error;
  if (typeof v === 'number' && isDateFormat(cell?.numFmt)) return serialToIso(v, date1904) ?? v;
  return v;
}

const yes = new Set(['y', 'yes', '예', '네', 'o', '○', '◯', 'true', '참', '온라인', '비대면', '유', '있음']);
const no = new Set(['n', 'no', '아니오', '아니요', 'x', '×', '✕', 'false', '거짓', '오프라인', '대면', '무', '없음']);

/** Spelling variants beyond spaces and middle dots, per code list: variant → code. */
export const codeSynonyms: Record<CodeListName, Record<string, string>> = {
  category: {
    자치지원관보수: '자치지원관 인건비',
    간사보수: '간사 인건비',
    주민자치학교운영: '주민자치학교 운영비',
    사무공간조성: '사무공간 조성비',
    자체사업: '자체 사업비',
  },
  fundingSource: { 특교금: '특별교부세', 특교: '특별교부세', 특별교부금: '특별교부세', 시비보조금: '시비', 구비보조금: '구비' },
  activity: {
    총회: '주민총회',
    분과회의: '분과위원회',
    주민자치회의: '주민자치회 회의',
    주민설명회: '주민설명회·토론회',
    토론회: '주민설명회·토론회',
    교육: '교육·워크숍',
    워크숍: '교육·워크숍',
    워크샵: '교육·워크숍',
    교육워크샵: '교육·워크숍',
    마을의제발굴회의: '마을의제 발굴',
  },
  milestone: { 시범조례제정: '시범조례 제·개정', 시범조례개정: '시범조례 제·개정', 발대식: '주민자치회 발대식', 주민총회: '주민총회 개최' },
  status: { 추진중: '진행중', 시행중: '진행중', 착수전: '미착수', 미추진: '미착수', 완료됨: '완료', 지연중: '지연', 보류중: '보류' },
  fundingRoute: {
    자체사업: '자체 사업비',
    주민참여예산사업: '주민참여예산',
    참여예산: '주민참여예산',
    구비: '구 예산',
    구예산사업: '구 예산',
    시비: '시 예산',
    시예산사업: '시 예산',
  },
  agendaStatus: { 상정: '총회 상정', 총회상정완료: '총회 상정', 채택: '가결', 미채택: '부결', 추진중: '실행중', 진행중: '실행중', 실행: '실행중', 종료: '완료' },
};

const codeIndex = new Map<CodeListName, Map<string, string>>();
for (const [name, codes] of Object.entries(codeLists) as [CodeListName, readonly string[]][]) {
  const index = new Map<string, string>();
  for (const code of codes) index.set(compactKey(code), code);
  for (const [variant, code] of Object.entries(codeSynonyms[name])) {
    if (!index.has(compactKey(variant))) index.set(compactKey(variant), code);
  }
  codeIndex.set(name, index);
}

/** A code list value from its spelling variants (진행 중 → 진행중, 특교금 → 특별교부세), or undefined. */
export function readCode(list: CodeListName, text: string): string | undefined {
  return codeIndex.get(list)?.get(compactKey(text));
}

const phaseText = /^제?(\d{1,3})(?:단계|차|기)?$/u;
const yearText = /^(\d{4})(?:년도?|년)?$/u;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u;

/**
 * Plain numbers read as date serials only inside this window (1950-01-01 … 2099-12-31) unless the
 * cell is formatted as a date: a bare 2019 or 120 in a date column is not surely a date.
 */
const plainSerialWindow = { min: 18264, max: 73050 };

/**
 * Reads one cell for one field. What the rules check anyway (unknown codes and dongs, phases that
 * do not exist, negative money) is passed on for them to refuse with their own message.
 */
export function readCell(column: Pick<ColumnDef, 'type' | 'codeList'>, cell: GridCell | undefined, ctx: ReadContext): CellReading {
  const raw = cell?.value;
  if (raw === undefined || raw === null) return { value: null };
  if (isCellError(raw)) return { code: 'error_cell' };
  if (typeof raw === 'string') {
    const text = cleanText(raw);
    if (text === '') return { value: null };
    if (errorLiterals.has(text.toUpperCase())) return { code: 'error_cell' };
    return readText(column, text, ctx);
  }
  if (typeof raw === 'number') return readNumber(column, raw, cell?.numFmt, ctx);
  // a boolean cell
  if (column.type === 'boolean') return { value: raw };
  if (column.type === 'text') return { value: raw ? 'TRUE' : 'FALSE' };
  return { value: String(raw) };
}

function readNumber(column: Pick<ColumnDef, 'type' | 'codeList'>, n: number, numFmt: string | undefined, ctx: ReadContext): CellReading {
  if (!Number.isFinite(n)) return { code: 'unreadable_number' };
  const dated = isDateFormat(numFmt);
  switch (column.type) {
    case 'money':
      if (dated) return { code: 'date_not_number' };
      return { value: scaleNumber(n, unitShift(ctx.unit)) };
    case 'count':
      if (dated) return { code: 'date_not_number' };
      return { value: n };
    case 'percent':
      if (dated) return { code: 'date_not_number' };
      return { value: isPercentFormat(numFmt) ? scaleNumber(n, 2) : n };
    case 'year':
      if (dated) {
        if (!isYearOnlyFormat(numFmt)) return { code: 'date_not_number' };
        const iso = serialToIso(n, ctx.date1904);
        return iso ? { value: Number(iso.slice(0, 4)) } : { code: 'unreadable_date' };
      }
      return { value: n };
    case 'phase':
      return { value: n };
    case 'date': {
      if (dated) {
        const iso = serialToIso(n, ctx.date1904);
        return iso ? { value: iso } : { code: 'unreadable_date' };
      }
      if (Number.isInteger(n) && n >= 19000101 && n <= 99991231) {
        const iso = parseDateText(String(n));
        if (iso) return { value: iso };
      }
      if (Number.isInteger(n) && n >= plainSerialWindow.min && n <= plainSerialWindow.max) {
        const iso = serialToIso(n, ctx.date1904);
        if (iso) return { value: iso };
      }
      return { code: 'ambiguous_date' };
    }
    case 'boolean':
      return { code: 'unreadable_boolean' };
    case 'text':
      if (dated) {
        const iso = serialToIso(n, ctx.date1904);
        if (iso) return { value: iso };
      }
      return { value: String(n) };
    case 'dong':
    case 'code':
      return { value: String(n) };
  }
}

function readText(column: Pick<ColumnDef, 'type' | 'codeList'>, text: string, ctx: ReadContext): CellReading {
  switch (column.type) {
    case 'text':
      return { value: text };
    case 'code':
      return { value: (column.codeList && readCode(column.codeList, text)) ?? text };
    case 'dong':
      return { value: readDong(text, ctx.ref) };
    case 'phase': {
      const m = phaseText.exec(withoutSpaces(text));
      return { value: m ? Number(m[1]) : text };
    }
    case 'year': {
      const m = yearText.exec(withoutSpaces(text));
      return { value: m ? Number(m[1]) : text };
    }
    case 'date': {
      const iso = parseDateText(text);
      return iso ? { value: iso } : { code: 'unreadable_date' };
    }
    case 'boolean': {
      const key = compactKey(text);
      if (yes.has(key)) return { value: true };
      if (no.has(key)) return { value: false };
      return { code: 'unreadable_boolean' };
    }
    case 'money': {
      const parsed = parseNumberText(text);
      if (!parsed) return { code: 'unreadable_number' };
      if (parsed.unit === '') return { value: decimalValue(parsed, unitShift(ctx.unit)) };
      if (isMoneyUnit(parsed.unit)) return { value: decimalValue(parsed, unitShift(parsed.unit)) };
      return { code: 'wrong_unit' };
    }
    case 'count': {
      const parsed = parseNumberText(text);
      if (!parsed) return { code: 'unreadable_number' };
      if (parsed.unit !== '' && !(countUnits as readonly string[]).includes(parsed.unit)) return { code: 'wrong_unit' };
      return { value: decimalValue(parsed) };
    }
    case 'percent': {
      const parsed = parseNumberText(text);
      if (!parsed) return { code: 'unreadable_number' };
      if (parsed.unit !== '' && parsed.unit !== '%') return { code: 'wrong_unit' };
      return { value: decimalValue(parsed) };
    }
  }
}

/**
 * A dong as the rules want it (code or exact name): spaces removed ("가양 2동"), and where that
 * names no dong, the forms officials also write — 가양제2동 for 가양2동, or the district (and the
 * city) first (동구 가양2동, 대전 서구 갈마1동, which also settle names shared by two districts or cities).
 */
export function readDong(text: string, ref: ReferenceIndex): string {
  const trimmed = cleanText(text);
  const direct = ref.resolveDong(trimmed);
  // "동구 가양2동", "대전광역시 동구 가양2동": settled to the code here (the name alone may be shared).
  if (direct && direct !== 'ambiguous' && trimmed.includes(' ')) return direct.code;
  if (direct) return trimmed;
  const bare = withoutSpaces(trimmed);
  if (ref.resolveDong(bare)) return bare;
  const noJe = bare.replace(/제(?=\d+동$)/u, '');
  if (noJe !== bare && ref.resolveDong(noJe)) return noJe;
  // "동구 가양 2동", "대전 서구 갈마제1동": the district (and the city) first, the name spaced or with 제.
  const parts = trimmed.split(' ');
  for (const k of [1, 2]) {
    if (parts.length <= k) break;
    const rest = withoutSpaces(parts.slice(k).join('')).replace(/제(?=\d+동$)/u, '');
    const found = ref.resolveDong(`${parts.slice(0, k).join(' ')} ${rest}`);
    if (found === 'ambiguous') return trimmed;
    if (found) return found.code;
  }
  return bare;
}

/** A 행ID cell: blank, a UUID (lower-cased), or refused. */
export function readRowId(cell: GridCell | undefined): { value: string | null } | { code: CellMessageCode } {
  const raw = cell?.value;
  if (raw === undefined || raw === null) return { value: null };
  if (isCellError(raw)) return { code: 'error_cell' };
  if (typeof raw !== 'string') return { code: 'invalid_row_id' };
  const text = cleanText(raw).toLowerCase();
  if (text === '') return { value: null };
  return uuid.test(text) ? { value: text } : { code: 'invalid_row_id' };
}
