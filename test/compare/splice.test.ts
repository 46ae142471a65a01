import { describe, expect, it } from 'vitest';
import { cityKeys, dongKeys, splice, unitBlocks, type UnitBlocks } from '../../service/store/compare/splice.ts';

// A JSON array as DuckDB's writer lays it out (COPY … (FORMAT json, ARRAY true)).
const array = (rows: object[]) => Buffer.from(rows.length === 0 ? '[\n\t\n]\n' : `[\n\t${rows.map((r) => JSON.stringify(r)).join(',\n\t')}\n]\n`);
const head = Buffer.from('{"columns":[],"rows":');
const tail = Buffer.from('}');
const answer = (rows: object[]) => Buffer.concat([head, array(rows), tail]);
const blocksOf = (body: Buffer) => unitBlocks(body, head.length, body.length - tail.length, dongKeys)!;
/** Blocks as one object a unit, to read in a test. */
const listed = (b: UnitBlocks) => b.units.map((dong, i) => ({ district: b.groups[i], dong, start: b.starts[i], end: b.ends[i], rows: b.rows[i] }));

const row = (district: string | null, dong: string, phase: number, extra: object = {}) => ({ district, dong, phase, ...extra });

describe('splice', () => {
  it('finds each dong’s rows, text with quotes, escapes and Korean in them, a unit without a district last', () => {
    const body = answer([
      { note: 'say "dong":"x", "district":null \\ 가', ...row('30110', '30110-a', 1) },
      row('30110', '30110-a', 2),
      row('30140', '30140-b', 1),
      row(null, '11111', 1),
    ]);
    const blocks = listed(blocksOf(body));
    expect(blocks.map((b) => [b.district, b.dong, b.rows])).toEqual([
      ['30110', '30110-a', 2],
      ['30140', '30140-b', 1],
      [null, '11111', 1],
    ]);
    expect(JSON.parse(`[${body.toString('utf8', blocks[0]!.start, blocks[0]!.end)}]`)).toHaveLength(2);
  });

  it('refuses bytes it cannot splice: a dong’s rows apart, a row without a dong', () => {
    expect(unitBlocks(array([row('1', 'a', 1), row('1', 'b', 1), row('1', 'a', 2)]), 0, Infinity, dongKeys)).toBeUndefined();
    expect(unitBlocks(array([{ district: '1', phase: 1 }]), 0, Infinity, dongKeys)).toBeUndefined();
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
    expect(listed(made.blocks)).toEqual(listed(blocksOf(answer(now))));
    // Everything gone: DuckDB's empty array.
    const gone = splice(old, blocksOf(old), new Set(before.map((r) => r.dong)), array([]), head, tail)!;
    expect(gone.body.toString()).toBe(answer([]).toString());
    expect(gone.rows).toBe(0);
  });

  it('splices the summary by city: its group rows name no dong, and a city’s rows are replaced whole, new and gone cities in their place', () => {
    const summaryRow = (city: string, kind: string, dong: string | null, value: number) => ({ kind, city, district: dong && `${city}0`, dong, value });
    const cityRows = (city: string, v: number, flagged: boolean) => [
      summaryRow(city, 'city', null, v),
      summaryRow(city, 'continuing', null, v + 1),
      ...(flagged ? [summaryRow(city, 'dong', `${city}-d1`, v - 1)] : []),
    ];
    const before = [...cityRows('11', 1, true), ...cityRows('26', 2, false), ...cityRows('30', 3, true)];
    const now = [...cityRows('11', 1, true), ...cityRows('27', 5, true), ...cityRows('30', 4, false)];
    const old = answer(before);
    const oldBlocks = unitBlocks(old, head.length, old.length - tail.length, cityKeys)!;
    expect(oldBlocks.units).toEqual(['11', '26', '30']);
    // 26 gone, 27 new, 30 changed (its flag gone); 11 as it was.
    const changed = new Set(['26', '27', '30']);
    const made = splice(old, oldBlocks, changed, array(now.filter((r) => changed.has(r.city))), head, tail)!;
    expect(made.body.toString()).toBe(answer(now).toString());
    expect(made.blocks.units).toEqual(['11', '27', '30']);
    // By dong, the same bytes cannot be laid out (a group row names no dong).
    expect(unitBlocks(old, head.length, old.length - tail.length, dongKeys)).toBeUndefined();
  });

  it('gives the whole answer’s bytes for 300 random changes: runs of kept dongs copied whole, dongs new, gone and edited between them', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const dongsOf = (district: string | null) => Array.from({ length: 6 }, (_, i) => `${district ?? 'x'}-${i}`);
    const units = ['1', '2', '3', null].flatMap((district) => dongsOf(district).map((dong) => ({ district, dong })));
    const rowsOf = (present: Set<string>, version: Map<string, number>) =>
      units
        .filter((u) => present.has(u.dong))
        .flatMap((u) => Array.from({ length: 1 + (version.get(u.dong)! % 3) }, (_, p) => row(u.district, u.dong, p + 1, { v: version.get(u.dong) })));
    for (let round = 0; round < 300; round++) {
      const present = new Set(units.filter(() => random() < 0.7).map((u) => u.dong));
      const version = new Map(units.map((u) => [u.dong, Math.floor(random() * 5)]));
      const before = rowsOf(present, version);
      const changed = new Set<string>();
      for (const u of units) {
        if (random() > 0.25) continue;
        changed.add(u.dong);
        if (present.has(u.dong) && random() < 0.3) present.delete(u.dong);
        else if (!present.has(u.dong)) present.add(u.dong);
        else version.set(u.dong, version.get(u.dong)! + 1);
      }
      const now = rowsOf(present, version);
      const old = answer(before);
      const made = splice(old, blocksOf(old), changed, array(now.filter((r) => changed.has(r.dong))), head, tail)!;
      expect(made.body.toString()).toBe(answer(now).toString());
      expect(made.rows).toBe(now.length);
      expect(listed(made.blocks)).toEqual(listed(blocksOf(answer(now))));
    }
  });
});
