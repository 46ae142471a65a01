import { describe, expect, it } from 'vitest';
import { dongBlocks, splice } from '../../service/store/compare/splice.ts';

// A JSON array as DuckDB's writer lays it out (COPY … (FORMAT json, ARRAY true)).
const array = (rows: object[]) => Buffer.from(rows.length === 0 ? '[\n\t\n]\n' : `[\n\t${rows.map((r) => JSON.stringify(r)).join(',\n\t')}\n]\n`);
const head = Buffer.from('{"columns":[],"rows":');
const tail = Buffer.from('}');
const answer = (rows: object[]) => Buffer.concat([head, array(rows), tail]);
const blocksOf = (body: Buffer) => dongBlocks(body, head.length, body.length - tail.length)!;

const row = (district: string | null, dong: string, phase: number, extra: object = {}) => ({ district, dong, phase, ...extra });

describe('splice', () => {
  it('finds each dong’s rows, text with quotes, escapes and Korean in them, a unit without a district last', () => {
    const body = answer([
      { note: 'say "dong":"x", "district":null \\ 가', ...row('30110', '30110-a', 1) },
      row('30110', '30110-a', 2),
      row('30140', '30140-b', 1),
      row(null, '11111', 1),
    ]);
    const blocks = blocksOf(body);
    expect(blocks.map((b) => [b.district, b.dong, b.rows])).toEqual([
      ['30110', '30110-a', 2],
      ['30140', '30140-b', 1],
      [null, '11111', 1],
    ]);
    expect(JSON.parse(`[${body.toString('utf8', blocks[0]!.start, blocks[0]!.end)}]`)).toHaveLength(2);
  });

  it('refuses bytes it cannot splice: a dong’s rows apart, a row without a dong', () => {
    expect(dongBlocks(array([row('1', 'a', 1), row('1', 'b', 1), row('1', 'a', 2)]), 0, Infinity)).toBeUndefined();
    expect(dongBlocks(array([{ district: '1', phase: 1 }]), 0, Infinity)).toBeUndefined();
  });

  it('puts changed dongs back in order — first, between, last, new, gone — the same bytes as the whole answer written afresh', () => {
    const before = [row('1', '1-a', 1), row('1', '1-c', 1), row('2', '2-e', 1), row('2', '2-e', 2), row(null, 'x', 1)];
    const now = [row('1', '1-a', 1, { v: 2 }), row('1', '1-b', 1), row('2', '2-d', 1), row('2', '2-e', 2), row('3', '3-f', 1), row(null, 'x', 1)];
    const old = answer(before);
    // 1-a edited, 1-b and 2-d new, 1-c gone, 2-e lost a row, 3-f new at the end; x unchanged.
    const changed = new Set(['1-a', '1-b', '1-c', '2-d', '2-e', '3-f']);
    const fresh = array(now.filter((r) => changed.has(r.dong)));
    const made = splice(old, blocksOf(old), changed, fresh, head, tail)!;
    expect(made.body.toString()).toBe(answer(now).toString());
    expect(made.rows).toBe(now.length);
    expect(made.blocks).toEqual(blocksOf(answer(now)));
    // Everything gone: DuckDB's empty array.
    const gone = splice(old, blocksOf(old), new Set(before.map((r) => r.dong)), array([]), head, tail)!;
    expect(gone.body.toString()).toBe(answer([]).toString());
    expect(gone.rows).toBe(0);
  });
});
