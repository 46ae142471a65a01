// A sync answer's JSON written with each distinct warning's bytes once (answer-json.ts) is the same
// text JSON.stringify writes, and the same UTF-8, whatever the rows' statuses, warnings and stored
// values: each result's keys in the contract's order (RowResult), whatever order they were set in.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rowIssue } from '../../domain/messages.ts';
import { answerUtf8 } from '../../service/store/answer-json.ts';
import type { RowResult, SyncAnswer } from '../../domain/index.ts';

const answerJson = (answer: SyncAnswer) => new TextDecoder().decode(answerUtf8(answer));

// Lone surrogates too: JSON.stringify writes them as escapes.
const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('\ud800', 'a\udc00b', '\udfff\ud800'));
const issue = fc.record({ field: text, code: text, message: fc.record({ ko: text, en: text }) });
const value = fc.oneof(text, fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null));
const result = fc.record(
  {
    rowId: fc.uuid(),
    status: fc.constantFrom('accepted', 'unchanged', 'rejected', 'conflict', 'forbidden'),
    revision: fc.oneof(fc.nat(), fc.constant(undefined)),
    errors: fc.array(issue, { maxLength: 3 }),
    warnings: fc.array(issue, { maxLength: 3 }),
    server: fc.record({ rowId: fc.uuid(), revision: fc.nat(), deleted: fc.boolean(), values: fc.dictionary(text, value), updatedBy: text, updatedAt: text }),
  },
  { requiredKeys: ['rowId', 'status'] },
) as fc.Arbitrary<RowResult>;

describe('a sync answer as JSON', () => {
  it('is the text JSON.stringify writes', () => {
    fc.assert(
      fc.property(fc.record({ batchId: fc.uuid(), revision: fc.nat(), results: fc.array(result, { maxLength: 8 }) }), (answer: SyncAnswer) => {
        expect(answerJson(answer)).toBe(JSON.stringify(answer));
        const bytes = answerUtf8(answer);
        expect(Buffer.from(bytes).equals(Buffer.from(JSON.stringify(answer), 'utf8'))).toBe(true);
        // Its own bytes: the next answer written (in the same buffer) leaves them as they were.
        answerUtf8({ ...answer, results: [...answer.results].reverse() });
        expect(Buffer.from(bytes).equals(Buffer.from(JSON.stringify(answer), 'utf8'))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('writes each result’s keys in the contract’s order, whatever order the service set them in', () => {
    const warning = { field: 'budgetKrw', code: 'over_allocation', message: { ko: '배정액 초과', en: 'Over the allocation' } };
    const server = {
      rowId: '00000000-0000-4000-8000-000000000002',
      revision: 7,
      deleted: false,
      values: { dong: '가양2동' },
      updatedBy: '가양2동',
      updatedAt: '2020-01-01',
      source: null,
    };
    // A conflict's stored row is set before the warnings the line checks add after.
    const conflict = { rowId: server.rowId, status: 'conflict', revision: 7, server } as RowResult;
    conflict.warnings = [warning];
    const rejected = { warnings: [warning], errors: [warning], status: 'rejected', rowId: '00000000-0000-4000-8000-000000000003' } as RowResult;
    const answer: SyncAnswer = { batchId: '00000000-0000-4000-8000-000000000000', revision: 7, results: [conflict, rejected] };
    const written = answerJson(answer);
    expect(JSON.parse(written)).toEqual(answer);
    expect(written).toBe(
      JSON.stringify({
        ...answer,
        results: [
          { rowId: conflict.rowId, status: 'conflict', revision: 7, warnings: [warning], server },
          { rowId: rejected.rowId, status: 'rejected', errors: [warning], warnings: [warning] },
        ],
      }),
    );
  });

  it('writes a warning shared by many rows the same on each', () => {
    const field = { field: 'budgetKrw', header: '예산액(원)', label: 'Budget (KRW)' };
    const shared = rowIssue(field, 'over_allocation', '가양2동|2019|626600000|156000000');
    expect(rowIssue(field, 'over_allocation', '가양2동|2019|626600000|156000000')).toBe(shared);
    // A long value a client sent is not kept (each such issue is garbage once answered).
    const long = 'x'.repeat(1000);
    expect(rowIssue(field, 'not_text', long)).not.toBe(rowIssue(field, 'not_text', long));
    expect(rowIssue(field, 'not_text', long)).toEqual(rowIssue(field, 'not_text', long));
    const results: RowResult[] = Array.from({ length: 50 }, (_, i) => ({
      rowId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      status: 'accepted',
      revision: i + 1,
      warnings: i % 2 ? [shared] : [rowIssue(field, 'over_allocation', `갈마1동|2020|${i}|1`), shared],
    }));
    const answer: SyncAnswer = { batchId: '00000000-0000-4000-8000-000000000000', revision: 50, results };
    expect(answerJson(answer)).toBe(JSON.stringify(answer));
    expect(Buffer.from(answerUtf8(answer)).toString('utf8')).toBe(JSON.stringify(answer));
    expect(JSON.parse(answerJson(answer))).toEqual(answer);
  });
});
