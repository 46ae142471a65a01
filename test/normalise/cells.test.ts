import { describe, expect, it } from 'vitest';
import {
  compactKey,
  headerKey,
  isDateFormat,
  isoToSerial,
  parseDateText,
  parseNumberText,
  decimalValue,
  readCell,
  readCode,
  readDong,
  readHeaderRow,
  serialToIso,
  declaredUnit,
  type GridCell,
  type ReadContext,
} from '../../domain/index.ts';
import { ref } from './helpers.ts';

const ctx: ReadContext = { date1904: false, unit: '원', ref };
const read = (type: Parameters<typeof readCell>[0]['type'], value: GridCell['value'], numFmt?: string, over: Partial<ReadContext> = {}) =>
  readCell({ type }, numFmt ? { value, numFmt } : { value }, { ...ctx, ...over });

describe('numbers and money', () => {
  it.each([
    ['1,234', 1234],
    ['３０，０００', 30000],
    ['△500', -500],
    ['▲1,000', -1000],
    ['(1,500)', -1500],
    ['-12', -12],
    ['−12', -12],
    ['1,234원', 1234],
    ['₩1,234', 1234],
    ['  42  ', 42],
    ['12.5', 12.5],
  ])('reads %s as %d', (text, value) => {
    const n = parseNumberText(text);
    expect(n).toBeDefined();
    expect(decimalValue(n!)).toBe(value);
  });

  it.each(['1,23', '12,3456', '1.2.3', '1e5', 'abc', '1,234,', '--5', '(−5)', '', '-', '0x10', '12 34', 'Infinity', 'NaN'])('refuses %j', (text) => {
    expect(parseNumberText(text)).toBeUndefined();
  });

  it('applies the column unit to text and number cells, and a unit in the cell over it', () => {
    expect(read('money', '11,500', undefined, { unit: '천원' })).toEqual({ value: 11_500_000 });
    expect(read('money', 1.1, undefined, { unit: '천원' })).toEqual({ value: 1100 });
    expect(read('money', 3, undefined, { unit: '백만원' })).toEqual({ value: 3_000_000 });
    expect(read('money', '1,234원', undefined, { unit: '천원' })).toEqual({ value: 1234 });
    expect(read('money', '2천원')).toEqual({ value: 2000 });
    expect(read('money', '120명')).toEqual({ code: 'wrong_unit' });
    expect(read('money', '12-34')).toEqual({ code: 'unreadable_number' });
    expect(read('money', 43709, 'yyyy-mm-dd')).toEqual({ code: 'date_not_number' });
  });

  it('reads counts with their unit and never makes a blank 0', () => {
    expect(read('count', '120명')).toEqual({ value: 120 });
    expect(read('count', '350')).toEqual({ value: 350 });
    expect(read('count', '1,210표')).toEqual({ value: 1210 });
    expect(read('count', '12원')).toEqual({ code: 'wrong_unit' });
    expect(read('count', null)).toEqual({ value: null });
    expect(read('count', '   ')).toEqual({ value: null });
    expect(read('money', '')).toEqual({ value: null });
  });

  it('reads percentages: 1 as 0% is 100, 0.6 as 0% is 60, "100%" is 100, a plain 60 is 60', () => {
    expect(read('percent', 1, '0%')).toEqual({ value: 100 });
    expect(read('percent', 0.6, '0%')).toEqual({ value: 60 });
    expect(read('percent', 0.125, '0.0%')).toEqual({ value: 12.5 });
    expect(read('percent', '100%')).toEqual({ value: 100 });
    expect(read('percent', '６０％')).toEqual({ value: 60 });
    expect(read('percent', 60)).toEqual({ value: 60 });
    expect(read('percent', '60명')).toEqual({ code: 'wrong_unit' });
  });
});

describe('dates', () => {
  it.each([
    ['2019-06-04', '2019-06-04'],
    ['2019.6.30', '2019-06-30'],
    ["'19. 12. 20.", '2019-12-20'],
    ['2019. 10. 24.', '2019-10-24'],
    ['2020. 10. 24.', '2020-10-24'],
    ['2019년 4월 15일', '2019-04-15'],
    ['2019년4월15일', '2019-04-15'],
    ['2019/5/30', '2019-05-30'],
    ['20190530', '2019-05-30'],
    ['19-5-30', '2019-05-30'],
    ['29.1.1', '2029-01-01'],
    ['30.1.1', '1930-01-01'],
    ['99.12.31', '1999-12-31'],
    ['00.01.01', '2000-01-01'],
    ["'19년 5월 30일", '2019-05-30'],
    ['2019-06-04 00:00:00', '2019-06-04'],
    ['２０１９－０６－０４', '2019-06-04'],
    ['2019. 5. 30.(목)', '2019-05-30'],
  ])('reads %j as %s', (text, iso) => {
    expect(parseDateText(text)).toBe(iso);
  });

  it.each(['2020-13-01', '2019-02-29', '2019.6', '30/5/2019', '5/30/2019', '2019-6-30-1', '2019.6/30', 'yesterday', '2019. 5. 30.(금)', '1899-12-31'])('refuses %j', (text) => {
    expect(parseDateText(text)).toBeUndefined();
  });

  it('reads serials in the 1900 system with its leap-year bug', () => {
    expect(serialToIso(1, false)).toBe('1900-01-01');
    expect(serialToIso(59, false)).toBe('1900-02-28');
    expect(serialToIso(60, false)).toBeUndefined(); // 1900-02-29 never was
    expect(serialToIso(61, false)).toBe('1900-03-01');
    expect(serialToIso(43709, false)).toBe('2019-09-01');
    expect(serialToIso(43709.75, false)).toBe('2019-09-01');
    expect(serialToIso(0, false)).toBeUndefined();
    expect(serialToIso(2958465, false)).toBe('9999-12-31');
    expect(serialToIso(2958466, false)).toBeUndefined();
  });

  it('reads serials in the 1904 system', () => {
    expect(serialToIso(0, true)).toBe('1904-01-01');
    expect(serialToIso(42247, true)).toBe('2019-09-01');
    expect(isoToSerial('2019-09-01', true)).toBe(43709 - 1462);
  });

  it('tells date formats from number formats', () => {
    for (const f of ['yyyy-mm-dd', 'mm-dd-yy', 'yyyy"년" m"월" d"일"', '[$-ko-KR]yyyy-mm-dd', 'd-mmm-yy', 'm/d/yyyy h:mm']) expect(isDateFormat(f)).toBe(true);
    for (const f of ['General', '0%', '#,##0', '#,##0"원"', '0.00E+00', 'h:mm', '@', '[Red]#,##0', undefined]) expect(isDateFormat(f)).toBe(false);
  });

  it('reads date cells: formatted serials, plain serials in a sure window, yyyymmdd numbers; refuses others', () => {
    expect(read('date', 43709)).toEqual({ value: '2019-09-01' });
    expect(read('date', 43709, 'yyyy-mm-dd')).toEqual({ value: '2019-09-01' });
    expect(read('date', 42247, 'yyyy-mm-dd', { date1904: true })).toEqual({ value: '2019-09-01' });
    expect(read('date', 20190530)).toEqual({ value: '2019-05-30' });
    expect(read('date', 2019)).toEqual({ code: 'ambiguous_date' });
    expect(read('date', 60, 'yyyy-mm-dd')).toEqual({ code: 'unreadable_date' });
    expect(read('date', 'soon')).toEqual({ code: 'unreadable_date' });
  });
});

describe('booleans, codes, phases, years, dongs', () => {
  it.each([
    ['Y', true],
    ['y', true],
    ['예', true],
    ['O', true],
    ['TRUE', true],
    ['온라인', true],
    ['N', false],
    ['아니오', false],
    ['아니요', false],
    ['X', false],
    ['FALSE', false],
    ['오프라인', false],
  ])('reads %s as %s', (text, value) => {
    expect(read('boolean', text)).toEqual({ value });
  });
  it('reads boolean cells and refuses what is not surely yes or no', () => {
    expect(read('boolean', true)).toEqual({ value: true });
    expect(read('boolean', 'maybe')).toEqual({ code: 'unreadable_boolean' });
    expect(read('boolean', 1)).toEqual({ code: 'unreadable_boolean' });
  });

  it('reads spelling variants of codes, comparing without spaces and middle dots', () => {
    expect(readCode('status', '진행 중')).toBe('진행중');
    expect(readCode('fundingSource', '특교금')).toBe('특별교부세');
    expect(readCode('category', '자치지원관인건비')).toBe('자치지원관 인건비');
    expect(readCode('category', '자체사업비')).toBe('자체 사업비');
    expect(readCode('activity', '주민설명회 토론회')).toBe('주민설명회·토론회');
    expect(readCode('activity', '교육ㆍ워크숍')).toBe('교육·워크숍');
    expect(readCode('milestone', '시범조례 제개정')).toBe('시범조례 제·개정');
    expect(readCode('category', '홍보비')).toBeUndefined();
    expect(compactKey(' 주민 자치회·회의 ')).toBe('주민자치회회의');
  });

  it('reads phases written 1, "1", 1단계, 1차, and passes anything else to the rules', () => {
    for (const v of [1, '1', '1단계', '1 단계', '1차', '제1단계']) expect(read('phase', v)).toEqual({ value: 1 });
    expect(read('phase', '첫 단계')).toEqual({ value: '첫 단계' });
  });

  it('reads years', () => {
    expect(read('year', '2019')).toEqual({ value: 2019 });
    expect(read('year', '2019년')).toEqual({ value: 2019 });
    expect(read('year', 2019)).toEqual({ value: 2019 });
    expect(read('year', isoToSerial('2019-01-01', false), 'yyyy"년"')).toEqual({ value: 2019 });
    expect(read('year', isoToSerial('2019-01-01', false), 'yyyy-mm-dd')).toEqual({ code: 'date_not_number' });
  });

  it('reads dong names trimmed, without spaces, with 제, or after the district', () => {
    expect(readDong(' 가양2동 ', ref)).toBe('가양2동');
    expect(readDong('가양 2동', ref)).toBe('가양2동');
    expect(readDong('가양제2동', ref)).toBe('가양2동');
    expect(readDong('동구 가양2동', ref)).toBe('30110-gayang2');
    expect(readDong('없는동', ref)).toBe('없는동');
  });

  it('refuses error cells, as values or as the literals Office.js gives', () => {
    expect(read('text', { error: '#VALUE!' })).toEqual({ code: 'error_cell' });
    expect(read('money', '#DIV/0!')).toEqual({ code: 'error_cell' });
    expect(read('date', '#REF!')).toEqual({ code: 'error_cell' });
  });
});

describe('headers', () => {
  it('reads units and keys from headers', () => {
    expect(headerKey('예산액(원)')).toEqual({ key: '예산액', unit: '원' });
    expect(headerKey('집행액 (단위: 천원)')).toEqual({ key: '집행액', unit: '천원' });
    expect(headerKey('예산액\n(백만원)')).toEqual({ key: '예산액', unit: '백만원' });
    expect(headerKey('진척률(%)')).toEqual({ key: '진척률', unit: '%' });
    expect(declaredUnit('(단위: 천원)')).toBe('천원');
    expect(declaredUnit('단위 : 백만원')).toBe('백만원');
    expect(declaredUnit('[천원]')).toBe('천원');
    expect(declaredUnit('2019년 예산')).toBeUndefined();
  });

  it('maps synonyms to fields and detects the kind', () => {
    const cells = (...texts: string[]) => texts.map((t) => ({ value: t }));
    const spending = readHeaderRow(cells('No', '동명', '단계', '연도', '비목', '지출액', '집행금액 '));
    expect(spending?.kind).toBe('spending');
    expect(spending?.duplicates).toEqual(['executedKrw']);
    expect(readHeaderRow(cells('동', '단계', '일자', '활동유형', '참여인원'))?.kind).toBe('participation');
    expect(readHeaderRow(cells('동', '단계', '추진과제', '상태', '진척도'))?.kind).toBe('progress');
    expect(readHeaderRow(cells('동', '단계', '비고'))).toBeUndefined();
    expect(readHeaderRow(cells('2019년 예산 집행 현황'))).toBeUndefined();
  });
});
