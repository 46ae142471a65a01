// service/http/errors.ts: one table from error code to HTTP status, every error class through it.
import { describe, expect, it } from 'vitest';
import { errorMessages, type ErrorCode } from '../../domain/index.ts';
import { ApiError, asApiError, statusOf, toErrorResponse } from '../../service/http/errors.ts';
import { ComparisonError } from '../../service/store/compare/index.ts';
import { StoreError } from '../../service/store/errors.ts';
import { QueryError } from '../../service/store/query/index.ts';
import { WorkbookError } from '../../service/workbook/errors.ts';

describe('the error table', () => {
  it('has a status for every code of domain/messages.ts', () => {
    for (const code of Object.keys(errorMessages) as ErrorCode[]) expect(statusOf[code], code).toBeGreaterThanOrEqual(400);
  });

  it('turns every error class into its code and status from the table', () => {
    const cases: [unknown, string, number][] = [
      [new StoreError('batch_reused'), 'batch_reused', 422],
      [new StoreError('backup_failed', 'disk full'), 'backup_failed', 503],
      [new QueryError('timeout'), 'timeout', 504],
      [new QueryError('not_select'), 'not_select', 400],
      [new QueryError('sandbox_failed', 'oom'), 'sandbox_failed', 500],
      [new ComparisonError('unknown_comparison', 'nope'), 'unknown_comparison', 404],
      [new ComparisonError('invalid_filter', 'bad', 'phase'), 'invalid_filter', 400],
      [new WorkbookError('workbook_too_large', 413, { ko: '큼', en: 'big' }), 'workbook_too_large', 413],
      [new WorkbookError('unreadable_workbook', 400, { ko: '못 읽음', en: 'unreadable' }), 'unreadable_workbook', 400],
      [new Error('batch_too_large'), 'internal', 500],
    ];
    for (const [error, code, status] of cases) {
      const { status: got, body } = toErrorResponse(error);
      expect([body.error.code, got]).toEqual([code, status]);
      expect(body.error.message.ko).toBeTruthy();
      expect(body.error.message.en).toBeTruthy();
    }
  });

  it('keeps the filter a comparison names, and a store error detail, in the message', () => {
    expect(asApiError(new ComparisonError('invalid_filter', { ko: '단계 오류', en: 'bad phase' }, 'phase')).body).toEqual({ ko: 'phase: 단계 오류', en: 'phase: bad phase' });
    expect(asApiError(new StoreError('invalid_input', '이름')).body.ko).toBe(`${errorMessages.invalid_input.ko} (이름)`);
  });

  it('never reads the message to choose a code', () => {
    const error = ApiError.of('invalid_body', 'rows: batch_too_large');
    expect(toErrorResponse(error).body.error.code).toBe('invalid_body');
    expect(toErrorResponse(error).status).toBe(400);
  });
});
