/**
 * Official populations: the 행정안전부 주민등록 인구통계 CSV (jumin.mois.go.kr) as an official
 * downloads it — CP949 (or UTF-8), a `행정구역` column of "대전광역시 동구 가양2동(3011056000)", and
 * monthly columns such as `2019년12월_총인구수` (or `2019년12월_계_총인구수` in the age tables)
 * holding "15,123". Each dong is matched by its 10-digit 행정동 code (`adminCode`); a year's
 * population is its December figure, else the latest month of that year the file holds.
 *
 * All or nothing: a file that cannot be decoded for sure, lacks the columns, or holds a number that
 * is not one is refused with its reason and row, and nothing is changed.
 */
import type { Reference } from '../domain/index.ts';
import { CsvSplitter } from './workbook/csv.ts';

export interface PopulationFile {
  /** Population by 10-digit 행정동 code and year. */
  byCode: Map<string, Record<string, number>>;
  /** The region's name as the file gives it, by code. */
  names: Map<string, string>;
  /** Rows of 시·도 or 시·군·구 totals (their dong digits are 000), left aside. */
  totals: number;
  encoding: 'utf-8' | 'cp949';
}

export interface PopulationReport {
  /** Dongs given their official populations: code, name and the years loaded. */
  matched: { code: string; name: string; years: string[]; stillIllustrative: boolean }[];
  /** Dongs of the file that no dong of the reference has as its 행정동 code. */
  unmatched: { adminCode: string; name: string }[];
  /** Dongs of the reference with a 행정동 code the file does not hold, or without a code. */
  missing: { code: string; name: string; reason: 'not_in_file' | 'no_admin_code' }[];
}

export class PopulationFileError extends Error {
  constructor(
    readonly ko: string,
    readonly en: string,
  ) {
    super(`${ko} / ${en}`);
    this.name = 'PopulationFileError';
  }
}

/** Decodes the bytes: UTF-8 (with or without a BOM) when they are valid UTF-8, else CP949; refused if the header is not there either way. */
function decode(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'cp949' } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    if (text.includes('행정구역')) return { text, encoding: 'utf-8' };
  } catch {
    // not UTF-8: CP949 is what the site gives
  }
  let text: string;
  try {
    text = new TextDecoder('euc-kr', { fatal: true }).decode(bytes);
  } catch {
    throw new PopulationFileError('UTF-8로도 CP949로도 읽을 수 없는 파일입니다.', 'the file is neither UTF-8 nor CP949 text.');
  }
  if (!text.includes('행정구역')) {
    throw new PopulationFileError(
      "'행정구역' 열이 없습니다. 주민등록 인구통계에서 내려받은 CSV인지 확인하세요.",
      "no '행정구역' column: is this the 주민등록 인구통계 CSV as downloaded?",
    );
  }
  return { text, encoding: 'cp949' };
}

/** The file's records (RFC 4180, by the import's own splitter), blank lines left out. */
function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  const splitter = new CsvSplitter(
    ',',
    (fields) => void (fields.some((f) => f !== '') && records.push(fields)),
    () => undefined,
  );
  splitter.write(text);
  splitter.end();
  return records;
}

const monthColumn = /^(\d{4})년\s*(\d{1,2})월_(?:계_)?총인구수$/;
const regionCell = /^(.*?)\s*\((\d{10})\)\s*$/;

/** Reads the file; throws PopulationFileError when it cannot be read for sure. */
export function readPopulationFile(bytes: Uint8Array): PopulationFile {
  const { text, encoding } = decode(bytes);
  const records = csvRecords(text.replace(/^\uFEFF/, ''));
  const header = records[0]?.map((h) => h.trim()) ?? [];
  const region = header.indexOf('행정구역');
  if (region < 0) throw new PopulationFileError("첫 줄에 '행정구역' 열이 없습니다.", "the first line has no '행정구역' column.");
  // The latest month of each year (December when the file has it).
  const columns = new Map<string, { column: number; month: number }>();
  header.forEach((h, column) => {
    const m = monthColumn.exec(h.replace(/\s+/g, ' ').replace(/ _/g, '_'));
    if (!m) return;
    const [year, month] = [m[1]!, Number(m[2])];
    if ((columns.get(year)?.month ?? 0) < month) columns.set(year, { column, month });
  });
  if (columns.size === 0) throw new PopulationFileError("'2019년12월_총인구수' 같은 월별 총인구수 열이 없습니다.", "no monthly 총인구수 columns (such as '2019년12월_총인구수').");
  const byCode = new Map<string, Record<string, number>>();
  const names = new Map<string, string>();
  let totals = 0;
  records.slice(1).forEach((record, i) => {
    const row = i + 2;
    const cell = (record[region] ?? '').trim();
    const m = regionCell.exec(cell);
    if (!m)
      throw new PopulationFileError(`${row}행: 행정구역 '${cell.slice(0, 40)}'에 (10자리 코드)가 없습니다.`, `row ${row}: 행정구역 '${cell.slice(0, 40)}' has no (10-digit code).`);
    const [name, code] = [m[1]!.replace(/\s+/g, ' ').trim(), m[2]!];
    if (code.slice(5, 8) === '000') {
      totals++;
      return;
    }
    const years: Record<string, number> = {};
    for (const [year, { column }] of columns) {
      const raw = (record[column] ?? '').trim();
      if (raw === '') continue;
      if (!/^\d{1,3}(,\d{3})*$|^\d+$/.test(raw)) {
        throw new PopulationFileError(
          `${row}행 '${header[column]}': '${raw.slice(0, 20)}'은(는) 인구 수가 아닙니다.`,
          `row ${row} '${header[column]}': '${raw.slice(0, 20)}' is not a count.`,
        );
      }
      years[year] = Number(raw.replaceAll(',', ''));
    }
    byCode.set(code, years);
    names.set(code, name);
  });
  return { byCode, names, totals, encoding };
}

/**
 * The reference with the file's populations for the dongs it matches by 행정동 code. A dong's
 * illustrative mark is cleared when every year of its population now comes from the file.
 */
export function applyPopulations(reference: Reference, file: PopulationFile): { reference: Reference; report: PopulationReport } {
  const report: PopulationReport = { matched: [], unmatched: [], missing: [] };
  const known = new Set<string>();
  const dongs = reference.dongs.map((dong) => {
    if (!dong.adminCode) {
      report.missing.push({ code: dong.code, name: dong.name, reason: 'no_admin_code' });
      return dong;
    }
    known.add(dong.adminCode);
    const official = file.byCode.get(dong.adminCode);
    if (!official || Object.keys(official).length === 0) {
      report.missing.push({ code: dong.code, name: dong.name, reason: 'not_in_file' });
      return dong;
    }
    const population = { ...dong.population, ...official };
    const stillIllustrative = dong.populationIllustrative && Object.keys(population).some((year) => !(year in official));
    report.matched.push({ code: dong.code, name: dong.name, years: Object.keys(official).sort(), stillIllustrative });
    return { ...dong, population, populationIllustrative: stillIllustrative };
  });
  for (const [adminCode, name] of file.names) if (!known.has(adminCode)) report.unmatched.push({ adminCode, name });
  return { reference: { ...reference, dongs }, report };
}
