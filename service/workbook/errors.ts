import type { Message } from '../../domain/index.ts';

/**
 * A workbook refused before or while it was read: over a limit (413), or not a readable .xlsx at
 * all (400). It crosses from the import's worker thread as plain data (`toJSON`, `WorkbookError.from`).
 */
export class WorkbookError extends Error {
  constructor(
    readonly code: string,
    readonly status: 400 | 413 | 422,
    readonly body: Message,
  ) {
    super(body.en);
    this.name = 'WorkbookError';
  }

  toJSON(): { code: string; status: 400 | 413 | 422; body: Message } {
    return { code: this.code, status: this.status, body: this.body };
  }

  static from(data: { code: string; status: 400 | 413 | 422; body: Message }): WorkbookError {
    return new WorkbookError(data.code, data.status, data.body);
  }
}

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} B`);
const count = (n: number) => n.toLocaleString('en-US');

/** A part that inflates past its cap (or the workbook past its total). */
export const partTooLarge = (part: string, limit: number) =>
  new WorkbookError('workbook_too_large', 413, {
    ko: `${part}: 압축을 풀면 ${size(limit)} 한도를 넘습니다. 통합 문서를 나누어 가져오세요.`,
    en: `${part}: inflates past its limit of ${size(limit)}; split the workbook.`,
  });

export const totalTooLarge = (limit: number) =>
  new WorkbookError('workbook_too_large', 413, {
    ko: `통합 문서의 압축을 풀면 모두 ${size(limit)} 한도를 넘습니다. 통합 문서를 나누어 가져오세요.`,
    en: `the workbook inflates past its limit of ${size(limit)} in all; split the workbook.`,
  });

export const ratioTooHigh = (part: string, limit: number) =>
  new WorkbookError('workbook_too_large', 413, {
    ko: `${part}: 압축률이 ${limit}배를 넘습니다 (압축 폭탄으로 보여 읽지 않았습니다).`,
    en: `${part}: inflates more than ${limit} times its compressed size (looks like a zip bomb; not read).`,
  });

export const tooMany = (part: string, what: { ko: string; en: string }, limit: number) =>
  new WorkbookError('workbook_too_large', 413, {
    ko: `${part}: ${what.ko}이(가) ${count(limit)}개 한도를 넘습니다. 통합 문서를 나누어 가져오세요.`,
    en: `${part}: more ${what.en} than the limit of ${count(limit)}; split the workbook.`,
  });

export const cellTooLong = (part: string, limit: number) =>
  new WorkbookError('workbook_too_large', 413, {
    ko: `${part}: 셀 하나(또는 태그 사이의 글자·공백)가 ${size(limit)} 한도를 넘습니다.`,
    en: `${part}: one cell (or a run of text or whitespace between two tags) is over the limit of ${size(limit)}.`,
  });

export const outOfMemory = (heapMb: number) =>
  new WorkbookError('workbook_too_large', 413, {
    ko: `통합 문서를 읽다가 메모리 한도(${heapMb} MB)에 닿아 멈췄습니다. 통합 문서를 나누어 가져오세요.`,
    en: `reading the workbook reached its memory limit (${heapMb} MB) and stopped; split the workbook.`,
  });

export const unreadable = (file: string, reason: string) =>
  new WorkbookError('unreadable_workbook', 400, {
    ko: `${file}: 엑셀 통합 문서(.xlsx)로 읽을 수 없습니다 (${reason}).`,
    en: `${file}: cannot be read as an Excel workbook (.xlsx) (${reason}).`,
  });
