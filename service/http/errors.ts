import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { errorMessages, type ErrorCode, type Message } from '../../domain/index.ts';
import { StoreError } from '../store/store.ts';

/** The one error body: `{ error: { code, message: { ko, en } } }`. */
export interface ErrorBody {
  error: { code: string; message: Message };
}

const statusOf: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
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
  rate_limited: 429,
  request_timeout: 504,
  internal: 500,
};

/** Thrown anywhere in a handler; `app.onError` turns it into the one error shape. */
export class ApiError extends HTTPException {
  constructor(
    readonly code: string,
    status: ContentfulStatusCode,
    readonly body: Message,
  ) {
    super(status, { message: body.en });
  }

  static of(code: ErrorCode, detail?: { ko: string; en: string } | string): ApiError {
    const base = errorMessages[code];
    const extra = typeof detail === 'string' ? { ko: detail, en: detail } : detail;
    const message = extra ? { ko: `${base.ko} (${extra.ko})`, en: `${base.en} (${extra.en})` } : base;
    return new ApiError(code, statusOf[code] ?? 400, message);
  }
}

export function errorBody(code: string, message: Message): ErrorBody {
  return { error: { code, message } };
}

/** Maps any thrown value to a status and the error body. */
export function toErrorResponse(error: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  if (error instanceof ApiError) return { status: error.status as ContentfulStatusCode, body: errorBody(error.code, error.body) };
  if (error instanceof StoreError) {
    const e = ApiError.of(error.code, error.detail);
    return { status: e.status as ContentfulStatusCode, body: errorBody(e.code, e.body) };
  }
  if (error instanceof HTTPException) {
    const code = error.status === 413 ? 'body_too_large' : error.status === 401 ? 'unauthorized' : 'invalid_body';
    return { status: error.status as ContentfulStatusCode, body: errorBody(code, errorMessages[code]) };
  }
  return { status: 500, body: errorBody('internal', errorMessages.internal) };
}
