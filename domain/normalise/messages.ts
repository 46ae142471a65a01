import { displayValue, type FieldLabel, type Message } from '../messages.ts';

type Template = (f: FieldLabel, value: string) => Message;

const show = (value: string) => (value.length > 40 ? `${value.slice(0, 40)}…` : value);

/** Messages of the normaliser's own cell reading (the rules' messages are in ../messages.ts). */
export const cellMessages = {
  error_cell: (f, v) => ({
    ko: `${f.header}: 셀에 오류 값(${show(v)})이 있습니다. 수식이나 값을 고치세요.`,
    en: `${f.label}: the cell holds an error (${show(v)}); fix the formula or the value.`,
  }),
  unreadable_number: (f, v) => ({
    ko: `${f.header}: '${show(v)}'을(를) 숫자로 읽을 수 없습니다. 1,234처럼 숫자만 입력하세요.`,
    en: `${f.label}: '${show(v)}' cannot be read as a number; enter digits such as 1,234.`,
  }),
  wrong_unit: (f, v) => ({
    ko: `${f.header}: '${show(v)}'의 단위가 이 열에 맞지 않습니다.`,
    en: `${f.label}: the unit of '${show(v)}' does not fit this column.`,
  }),
  date_not_number: (f, v) => ({
    ko: `${f.header}: 날짜 형식의 셀(${show(v)})입니다. 숫자 형식으로 바꾸세요.`,
    en: `${f.label}: the cell is formatted as a date (${show(v)}); format it as a number.`,
  }),
  unreadable_date: (f, v) => ({
    ko: `${f.header}: '${show(v)}'을(를) 날짜로 읽을 수 없습니다. 2019-05-30 형식으로 입력하세요.`,
    en: `${f.label}: '${show(v)}' cannot be read as a date; use the form 2019-05-30.`,
  }),
  ambiguous_date: (f, v) => ({
    ko: `${f.header}: 숫자 ${show(v)}이(가) 날짜인지 확실하지 않습니다. 셀을 날짜 형식으로 하거나 2019-05-30처럼 입력하세요.`,
    en: `${f.label}: it is not sure the number ${show(v)} is a date; format the cell as a date or enter 2019-05-30.`,
  }),
  unreadable_boolean: (f, v) => ({
    ko: `${f.header}: '${show(v)}'을(를) 예/아니오로 읽을 수 없습니다. Y 또는 N을 입력하세요.`,
    en: `${f.label}: '${show(v)}' cannot be read as yes or no; enter Y or N.`,
  }),
  invalid_row_id: (f, v) => ({
    ko: `${f.header}: 행ID '${show(v)}'이(가) 올바르지 않습니다. 행ID 열은 고치지 마세요.`,
    en: `${f.label}: the row id '${show(v)}' is not valid; do not edit the row id column.`,
  }),
  duplicate_row_id: (f, v) => ({
    ko: `${f.header}: 행ID '${show(v)}'이(가) 이 시트에 두 번 있습니다. 복사한 행의 행ID는 지우세요.`,
    en: `${f.label}: the row id '${show(v)}' appears twice on this sheet; clear the row id of copied rows.`,
  }),
  merged_not_filled: (f, v) => ({
    ko: `${f.header}: 병합된 셀의 값(${show(v)})은 첫 행에만 적용됩니다.`,
    en: `${f.label}: the merged cell's value (${show(v)}) applies to its first row only.`,
  }),
} satisfies Record<string, Template>;

export type CellMessageCode = keyof typeof cellMessages;

export function cellMessage(f: FieldLabel, code: CellMessageCode, value: unknown): Message {
  return cellMessages[code](f, displayValue(value));
}

/** Why a row was skipped (not imported, not refused). */
export const skipMessages = {
  blank: { ko: '빈 행', en: 'blank row' },
  total: { ko: '합계·소계 행', en: 'total or subtotal row' },
  repeated_header: { ko: '반복된 제목 행', en: 'repeated header row' },
} satisfies Record<string, Message>;

export type SkipReason = keyof typeof skipMessages;

/** Why a whole sheet could not be read. */
export const sheetMessages = {
  no_header: (sheet: string) => ({
    ko: `'${sheet}' 시트에서 제목 행(동, 단계 등)을 찾을 수 없습니다.`,
    en: `No header row (동, 단계, …) was found on sheet '${sheet}'.`,
  }),
  unknown_kind: (sheet: string) => ({
    ko: `'${sheet}' 시트가 어떤 자료(예산집행, 주민참여, 추진현황)인지 알 수 없습니다. --kind로 지정하세요.`,
    en: `Cannot tell which kind of data sheet '${sheet}' holds; name it with --kind.`,
  }),
  missing_columns: (sheet: string, detail: string) => ({
    ko: `'${sheet}' 시트에 필수 열이 없습니다: ${detail}.`,
    en: `Sheet '${sheet}' lacks required columns: ${detail}.`,
  }),
  duplicate_column: (sheet: string, detail: string) => ({
    ko: `'${sheet}' 시트에 같은 항목의 열이 둘 이상 있습니다: ${detail}.`,
    en: `Sheet '${sheet}' has more than one column for: ${detail}.`,
  }),
  sheet_not_found: (sheet: string) => ({
    ko: `'${sheet}' 시트가 없습니다.`,
    en: `There is no sheet '${sheet}'.`,
  }),
} satisfies Record<string, (sheet: string, detail: string) => Message>;

export type SheetErrorCode = keyof typeof sheetMessages;

export function sheetMessage(code: SheetErrorCode, sheet: string, detail = ''): Message {
  return sheetMessages[code](sheet, detail);
}

/**
 * A header without a required field: the fields, and the unknown columns that could be them, with
 * how to say which is which.
 */
export function missingColumnsMessage(
  sheet: string,
  missing: readonly { field: string; header: string; label: string }[],
  candidates: readonly { column: string; header: string }[],
): Message {
  const fields = { ko: missing.map((m) => m.header).join(', '), en: missing.map((m) => `${m.header} (${m.label})`).join(', ') };
  const example = `${candidates[0]?.header ?? '열 제목'}=${missing[0]?.field ?? 'field'}`;
  if (candidates.length === 0) {
    return {
      ko: `'${sheet}' 시트에 필수 열이 없습니다: ${fields.ko}. 제목 행에 알 수 없는 열도 없으니 이 열을 추가하세요.`,
      en: `Sheet '${sheet}' lacks required columns: ${fields.en}. The header has no unknown column that could be them: add the columns.`,
    };
  }
  const list = candidates.map((c) => `${c.column}열 '${c.header}'`).join(', ');
  const listEn = candidates.map((c) => `column ${c.column} '${c.header}'`).join(', ');
  return {
    ko: `'${sheet}' 시트에 필수 열이 없습니다: ${fields.ko}. 알 수 없는 열 ${list} 중에 있을 수 있습니다. 어느 열이 어느 항목인지 지정하세요 (추가 기능의 열 지정, 업로드 화면, 또는 --map "${example}").`,
    en: `Sheet '${sheet}' lacks required columns: ${fields.en}. It may be one of the unknown columns ${listEn}; say which column is which (the add-in's column mapping, the upload page, or --map "${example}").`,
  };
}
