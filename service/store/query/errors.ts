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
  invalid_limit: { ko: `limit은 1에서 ${maxRowLimit.toLocaleString('en')} 사이의 정수여야 합니다.`, en: `limit must be a whole number from 1 to ${maxRowLimit.toLocaleString('en')}.` },
  timeout: { ko: '시간 제한을 넘어 조회를 중단했습니다. 조건을 좁혀 보세요.', en: 'The query ran past its time limit and was stopped; narrow it down.' },
  result_too_large: {
    ko: '조회 결과가 너무 커서 보내지 않았습니다. 열을 줄이거나 조건·limit으로 행을 줄이세요.',
    en: 'The result is too large to send; select fewer columns, or fewer rows with a condition or limit.',
  },
  cancelled: { ko: '요청이 끝나 조회를 멈췄습니다.', en: 'The request ended, so the query was stopped.' },
  query_failed: { ko: '조회를 실행하지 못했습니다.', en: 'The query failed.' },
  sandbox_failed: { ko: '조회 실행 환경이 비정상 종료되었습니다 (메모리 한도 등).', en: 'The query sandbox stopped abnormally (memory limit or similar).' },
};

/** A refused or failed analyst query (its HTTP status: service/http/errors.ts). */
export class QueryError extends Error {
  readonly text: Message;
  constructor(
    readonly code: QueryErrorCode,
    readonly detail?: string,
  ) {
    const text = messages[code];
    super(detail ? `${text.en} ${detail}` : text.en);
    this.text = detail ? { ko: `${text.ko} ${detail}`, en: `${text.en} ${detail}` } : text;
    this.name = 'QueryError';
  }
}

/** An error's first line, at most 500 characters (what a user is shown of DuckDB's message). */
export const firstLine = (error: unknown) => String((error as Error)?.message ?? error).split('\n')[0]!.slice(0, 500);
