// A sync answer's JSON, written with each shared issue serialised once (service/store/answer-text.ts),
// is exactly JSON.stringify's.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { answerText } from '../../service/store/answer-text.ts';
import type { Issue, RowResult, SyncAnswer } from '../../domain/index.ts';

const issue = fc.record({ field: fc.string(), code: fc.string(), message: fc.record({ ko: fc.string(), en: fc.string() }) }) as fc.Arbitrary<Issue>;

describe('answerText', () => {
  it('writes exactly what JSON.stringify writes, issues shared between rows or not', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.nat(),
        fc.array(issue, { minLength: 1, maxLength: 3 }),
        fc.array(
          fc.record(
            {
              rowId: fc.uuid(),
              status: fc.constantFrom('accepted', 'unchanged', 'rejected', 'conflict', 'forbidden'),
              revision: fc.nat(),
              errors: fc.array(fc.nat(2)),
              warnings: fc.array(fc.nat(2)),
              server: fc.record({
                rowId: fc.uuid(),
                revision: fc.nat(),
                deleted: fc.boolean(),
                values: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
              }),
            },
            { requiredKeys: ['rowId', 'status'] },
          ),
          { maxLength: 20 },
        ),
        (batchId, revision, shared, rows) => {
          const results = rows.map((r) => ({
            ...r,
            ...(r.errors ? { errors: r.errors.map((i) => shared[i % shared.length]!) } : {}),
            ...(r.warnings ? { warnings: r.warnings.map((i) => shared[i % shared.length]!) } : {}),
          })) as unknown as RowResult[];
          const answer: SyncAnswer = { batchId, revision, results };
          expect(answerText(answer)).toBe(JSON.stringify(answer));
        },
      ),
    );
  });
});
