import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { errorMessages, type ErrorCode, type Message } from '../../domain/index.ts';
import { ComparisonError } from '../store/compare/index.ts';
import { QueryError, type QueryErrorCode } from '../store/query/index.ts';
import { StoreError } from '../store/errors.ts';
import { WorkbookError } from '../workbook/errors.ts';

/** The one error body: `{ error: { code, message: { ko, en } } }`. */
export interface ErrorBody {
  error: { code: string; message: Message };
}

/** Codes of the store's own refusals (analyst SQL, comparisons) and of the import and export routes. */
type ServiceCode =
  | QueryErrorCode
  | ComparisonError['code']
  | 'invalid_filter'
  | 'not_multipart'
  | 'missing_file'
  | 'not_xlsx'
  | 'workbook_too_large'
  | 'unreadable_workbook'
  | 'import_incomplete'
  | 'client_closed'
  | 'invalid_map'
  | 'invalid_format';

/** Every code a response may carry. */
export type ApiCode = ErrorCode | ServiceCode;

/**
 * The one table from error code to HTTP status. Every domain code (domain/messages.ts) has a row,
 * so a new code cannot be sent without a status chosen for it; no status is decided anywhere else.
 */
export const statusOf = {
  unauthorized: 401,
  token_expired: 401,
  forbidden: 403,
  not_found: 404,
  unknown_kind: 404,
  invalid_body: 400,
  invalid_input: 400,
  invalid_since: 400,
  not_json: 415,
  body_too_large: 413,
  body_too_complex: 422,
  batch_too_large: 422,
  batch_reused: 422,
  duplicate_row: 422,
  batch_failed: 503,
  backup_failed: 503,
  rate_limited: 429,
  request_timeout: 504,
  internal: 500,
  // Analyst SQL (service/store/query).
  empty_query: 400,
  query_too_long: 400,
  not_one_statement: 400,
  not_select: 400,
  syntax_error: 400,
  forbidden_function: 400,
  invalid_limit: 400,
  timeout: 504,
  result_too_large: 422,
  cancelled: 504,
  query_failed: 400,
  sandbox_failed: 500,
  // Comparisons and drill-downs (service/store/compare).
  unknown_comparison: 404,
  invalid_filter: 400,
  invalid_drilldown: 400,
  // Import and export.
  not_multipart: 415,
  missing_file: 400,
  not_xlsx: 400,
  workbook_too_large: 413,
  unreadable_workbook: 400,
  import_incomplete: 503,
  client_closed: 400,
  invalid_map: 422,
  invalid_format: 400,
} as const satisfies Record<ApiCode, ContentfulStatusCode>;

/** Thrown anywhere in a handler; `app.onError` turns it into the one error shape. */
export class ApiError extends HTTPException {
  constructor(
    readonly code: string,
    status: ContentfulStatusCode,
    readonly body: Message,
  ) {
    super(status, { message: body.en });
  }

  /** A domain code with its own message (or `base`), and an optional detail in brackets. */
  static of(code: ErrorCode, detail?: { ko: string; en: string } | string, base: Message = errorMessages[code]): ApiError {
    const extra = typeof detail === 'string' ? { ko: detail, en: detail } : detail;
    const message = extra ? { ko: `${base.ko} (${extra.ko})`, en: `${base.en} (${extra.en})` } : base;
    return ApiError.with(code, message);
  }

  /** Any code with a message of its own; the status comes from the table. */
  static with(code: ApiCode, message: Message): ApiError {
    return new ApiError(code, statusOf[code], message);
  }
}

export function errorBody(code: string, message: Message): ErrorBody {
  return { error: { code, message } };
}

const isApiCode = (code: string): code is ApiCode => Object.hasOwn(statusOf, code);

/** Every error class the service throws, as the one ApiError; anything else is `internal`. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof WorkbookError) return isApiCode(error.code) ? ApiError.with(error.code, error.body) : new ApiError(error.code, error.status, error.body);
  if (error instanceof StoreError) return ApiError.of(error.code, error.detail, error.text);
  if (error instanceof QueryError) return ApiError.with(error.code, error.text);
  if (error instanceof ComparisonError) {
    const where = error.filter ? `${error.filter}: ` : '';
    return ApiError.with(error.code, { ko: `${where}${error.text.ko}`, en: `${where}${error.text.en}` });
  }
  if (error instanceof HTTPException) {
    // Hono's own (the body limit, basic auth): its status names the code.
    const code = error.status === 413 ? 'body_too_large' : error.status === 401 ? 'unauthorized' : 'invalid_body';
    return new ApiError(code, error.status as ContentfulStatusCode, errorMessages[code]);
  }
  return ApiError.of('internal');
}

/** Maps any thrown value to a status and the error body. */
export function toErrorResponse(error: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  const api = asApiError(error);
  return { status: api.status as ContentfulStatusCode, body: errorBody(api.code, api.body) };
}
