// addin/taskpane/views/query-model.ts: the 질의 view's row limit and the answer's rows as the table
// shows them, without a DOM.
import { describe, expect, it } from 'vitest';
import { queryLimit, rowsOf } from '../../addin/taskpane/views/query-model.ts';

describe('query', () => {
  it('sends the limit typed when it is a whole number over zero, else none (the service’s own)', () => {
    expect(queryLimit('1000')).toBe(1000);
    expect(queryLimit('0')).toBeUndefined();
    expect(queryLimit('-5')).toBeUndefined();
    expect(queryLimit('2.5')).toBeUndefined();
    expect(queryLimit('abc')).toBeUndefined();
  });

  it('reads rows sent as arrays under their column names, and rows sent as objects as they are', () => {
    expect(rowsOf({ columns: [{ name: 'dongName', type: 'VARCHAR' }, { name: 'executedKrw' }], rows: [['가양2동', 1_000]] })).toEqual({
      columns: ['dongName', 'executedKrw'],
      rows: [{ dongName: '가양2동', executedKrw: 1_000 }],
    });
    expect(rowsOf({ columns: ['phase'], rows: [{ phase: 2 }] })).toEqual({ columns: ['phase'], rows: [{ phase: 2 }] });
  });
});
