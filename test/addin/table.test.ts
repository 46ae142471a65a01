// addin/taskpane/ui/table.ts: the order a sortable table shows its rows in — numbers as numbers,
// Korean text in Korean order, and blanks last whichever way a column is sorted.
import { expect, it } from 'vitest';
import { sortedRows } from '../../addin/taskpane/ui/table.ts';

const rows = [{ v: 10 }, { v: null }, { v: 9 }, { v: '' }, { v: 100 }];

it('sorts numbers as numbers, blanks last both ways', () => {
  expect(sortedRows(rows, (r) => r.v, false).map((r) => r.v)).toEqual([9, 10, 100, null, '']);
  expect(
    sortedRows(rows, (r) => r.v, true)
      .map((r) => r.v)
      .slice(0, 3),
  ).toEqual([100, 10, 9]);
  expect(
    sortedRows(rows, (r) => r.v, true)
      .slice(3)
      .every((r) => r.v === null || r.v === ''),
  ).toBe(true);
});

it('sorts names in Korean order, and leaves rows as given when no column is chosen', () => {
  const names = [{ n: '다동' }, { n: '가동' }, { n: '나동' }];
  expect(sortedRows(names, (r) => r.n, false).map((r) => r.n)).toEqual(['가동', '나동', '다동']);
  expect(sortedRows(names, undefined, false)).toBe(names);
});
