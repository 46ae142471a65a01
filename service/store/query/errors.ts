import type { Message } from '../../../domain/index.ts';
import { maxRowLimit } from './limits.ts';

export type QueryErrorCode =
  | 'empty_query'
  | 'query_too_long'
  | 'not_one_statement'
  | 'not_select'
  | 'syntax_error'
  | 'forbidden_function'
  | 'invalid_limit'
  | 'timeout'
  | 'result_too_large'
  | 'cancelled'
  | 'query_failed'
  | 'sandbox_failed';

const messages: Record<QueryErrorCode, Message> = {
  empty_query: { ko: 'SQL이 비어 있습니다.', en: 'The SQL is empty.' },
  query_too_long: { ko: 'SQL은 100,000자를 넘을 수 없습니다.', en: 'The SQL is longer than 100,000 characters.' },
  not_one_statement: { ko: '문장은 정확히 하나여야 합니다 (세미콜론으로 여러 문장을 보낼 수 없습니다).', en: 'Send exactly one statement.' },
  not_select: { ko: '조회(SELECT) 문만 실행할 수 있습니다.', en: 'Only SELECT statements can be run.' },
  syntax_error: { ko: 'SQL 문법 오류입니다.', en: 'SQL syntax error.' },
  forbidden_function: { ko: '이 함수는 서버의 파일 위치를 드러내므로 쓸 수 없습니다.', en: 'This function reveals where the server keeps its files, so it cannot be used.' },
  invalid_limit: {
    ko: `limit은 1에서 ${maxRowLimit.toLocaleString('en')} 사이의 정수여야 합니다.`,
    en: `limit must be a whole number from 1 to ${maxRowLimit.toLocaleString('en')}.`,
  },
  timeout: { ko: '시간 제한을 넘어 조회를 중단했습니다. 조건을 좁혀 보세요.', en: 'The query ran past its time limit and was stopped; narrow it down.' },
  result_too_large: {
    ko: '조회 결과가 너무 커서 보내지 않았습니다. 열을 줄이거나 조건·limit으로 행을 줄이세요.',
    en: 'The result is too large to send; select fewer columns, or fewer rows with a condition or limit.',
  },
  cancelled: { ko: '요청이 끝나 조회를 멈췄습니다.', en: 'The request ended, so the query was stopped.' },
  query_failed: { ko: '조회를 실행하지 못했습니다.', en: 'The query failed.' },
  sandbox_failed: { ko: '조회 실행 환경이 비정상 종료되었습니다 (메모리 한도 등).', en: 'The query sandbox stopped abnormally (memory limit or similar).' },
};

/** Where DuckDB points in the statement: "LINE 2:   budget FROM …" and a caret under the place. */
function position(detail: string): { line: number; column: number } | undefined {
  const lines = detail.split('\n');
  const at = lines.findIndex((l) => /^LINE \d+: /.test(l));
  if (at < 0) return undefined;
  const prefix = /^LINE (\d+): /.exec(lines[at]!)!;
  const caret = lines[at + 1]?.indexOf('^') ?? -1;
  return { line: Number(prefix[1]), column: caret >= 0 ? caret - prefix[0].length + 1 : 1 };
}

const quoted = (list: string) =>
  [...list.matchAll(/"([^"]+)"/g)]
    .map((m) => m[1])
    .slice(0, 6)
    .join(', ');

/**
 * The DuckDB errors analysts meet most, said in Korean (and plain English) with where they are in
 * the statement, without DuckDB's internal hints (candidate function lists, cast advice). Undefined
 * for anything else, which is shown by its first line.
 */
export function explainDuckDBError(detail: string): Message | undefined {
  const where = position(detail);
  const at = where ? { ko: ` (${where.line}번째 줄 ${where.column}번째 글자)`, en: ` (line ${where.line}, column ${where.column})` } : { ko: '', en: '' };
  let m: RegExpExecArray | null;
  if ((m = /Referenced column "([^"]+)" not found/.exec(detail))) {
    const near = /Candidate bindings: (.*)/.exec(detail);
    const similar = near ? quoted(near[1]!) : '';
    return {
      ko: `열 '${m[1]}'이(가) 없습니다${at.ko}.${similar ? ` 있는 열: ${similar}` : ''}`,
      en: `There is no column '${m[1]}'${at.en}.${similar ? ` Columns there: ${similar}` : ''}`,
    };
  }
  if ((m = /Table with name (\S+) does not exist/.exec(detail))) {
    const views = 'spending, participation, progress, agendas, council, dongs, districts, cities, phases';
    return { ko: `'${m[1]}'이라는 뷰가 없습니다${at.ko}. 쓸 수 있는 뷰: ${views}`, en: `There is no view '${m[1]}'${at.en}. Views: ${views}` };
  }
  if ((m = /(?:Scalar|Aggregate|Table) Function with name (\S+) does not exist/.exec(detail))) {
    return { ko: `'${m[1]}' 함수가 없습니다${at.ko}.`, en: `There is no function '${m[1]}'${at.en}.` };
  }
  if ((m = /No function matches the given name and argument types '([^']+)'/.exec(detail))) {
    return {
      ko: `${m[1]}: 이 값의 형식에는 쓸 수 없는 함수입니다${at.ko}. 형식을 바꾸세요 (예: CAST(x AS DOUBLE)).`,
      en: `${m[1]}: the function does not take values of this type${at.en}; cast them (e.g. CAST(x AS DOUBLE)).`,
    };
  }
  if ((m = /syntax error at or near "([^"]*)"/.exec(detail))) {
    return { ko: `'${m[1]}' 근처에 문법 오류가 있습니다${at.ko}.`, en: `Syntax error near '${m[1]}'${at.en}.` };
  }
  if (/syntax error at end of input/.test(detail)) return { ko: 'SQL이 끝나지 않았습니다 (빠진 부분이 있습니다).', en: 'The SQL ends too early (something is missing).' };
  if ((m = /Could not convert string '([^']*)' to (\w+)/.exec(detail))) {
    return { ko: `'${m[1]}'을(를) ${m[2]} 형식으로 바꿀 수 없습니다${at.ko}.`, en: `'${m[1]}' cannot be converted to ${m[2]}${at.en}.` };
  }
  return undefined;
}

/** A refused or failed analyst query (its HTTP status: service/http/errors.ts). */
export class QueryError extends Error {
  readonly text: Message;
  constructor(
    readonly code: QueryErrorCode,
    readonly detail?: string,
  ) {
    const text = messages[code];
    const explained = detail && (code === 'query_failed' || code === 'syntax_error') ? explainDuckDBError(detail) : undefined;
    const shown = detail ? firstLine(detail) : undefined;
    super(shown ? `${text.en} ${shown}` : text.en);
    this.text = explained ? { ko: `${text.ko} ${explained.ko}`, en: `${text.en} ${explained.en}` } : shown ? { ko: `${text.ko} ${shown}`, en: `${text.en} ${shown}` } : text;
    this.name = 'QueryError';
  }
}

/** An error's first line, at most 500 characters (what a user is shown of DuckDB's message). */
export const firstLine = (error: unknown) =>
  String((error as Error)?.message ?? error)
    .split('\n')[0]!
    .slice(0, 500);
