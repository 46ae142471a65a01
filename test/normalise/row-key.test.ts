// Derived row ids (service/workbook/row-key.ts): the nth row of a repeated key gets the id of its
// key and occurrence, however many rows the sheet holds (the count of each key is a typed table).
import { describe, expect, it } from 'vitest';
import type { RowValues } from '../../domain/index.ts';
import { createRowKeyer, rowKeyText, uuidV5 } from '../../service/workbook/index.ts';

describe('createRowKeyer', () => {
  it('gives each row its key’s id and the nth repeat its occurrence’s, over 6,000 rows with repeats', () => {
    const keyer = createRowKeyer('spending');
    const occurrences = new Map<string, number>();
    const ids = new Set<string>();
    for (let i = 0; i < 6_000; i++) {
      // A third of the rows repeat an earlier key (same item), some of them many times.
      const item = i % 3 === 0 ? `되풀이 ${i % 97}` : `세부내역 ${i}`;
      const values: RowValues = { dong: '30110-d01', phase: 1, fiscalYear: 2019, category: '기타', item, fundingSource: '특별교부세', budgetKrw: i };
      const key = rowKeyText('spending', values, 0);
      const n = occurrences.get(key) ?? 0;
      occurrences.set(key, n + 1);
      const id = keyer(values);
      expect(id).toBe(uuidV5(rowKeyText('spending', values, n)));
      ids.add(id);
    }
    // Every row told apart, repeats included.
    expect(ids.size).toBe(6_000);
    // A new sheet counts afresh.
    const again = { dong: '30110-d01', phase: 1, fiscalYear: 2019, category: '기타', item: '되풀이 0', fundingSource: '특별교부세' };
    expect(createRowKeyer('spending')(again)).toBe(uuidV5(rowKeyText('spending', again, 0)));
  });
});
