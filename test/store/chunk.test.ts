// Data chunks written from JavaScript (service/store/chunk-data.ts encodes, chunk.ts hands to
// DuckDB): what the appender stores is exactly what was given, every type the rows tables use, nulls
// where they were, a repeated id as itself — also once the columns crossed between threads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { KnownIds, uuidWords } from '../../service/store/known-ids.ts';
import { dataChunk } from '../../service/store/chunk.ts';
import { booleanData, dateData, doubleData, int32Data, int64Data, textData, timestampData, uuidData } from '../../service/store/chunk-data.ts';

let instance: DuckDBInstance;
let c: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  c = await instance.connect();
});
afterAll(() => {
  c.closeSync();
  instance.closeSync();
});

describe('data chunks', () => {
  it('store every value as given: ids, text with nulls, whole numbers up to 2^53 either sign, dates, times, doubles, booleans', async () => {
    await c.run('CREATE TABLE t (id UUID, batch UUID, name VARCHAR, tag VARCHAR, item VARCHAR, n INTEGER, money BIGINT, "at" TIMESTAMPTZ, d DATE, x DOUBLE, b BOOLEAN)');
    const batch = randomUUID();
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      // The highest and lowest ids, and one a client wrote in capitals.
      id: i === 7 ? 'ffffffff-ffff-4fff-bfff-ffffffffffff' : i === 8 ? '00000000-0000-4000-8000-000000000000' : i === 9 ? 'A0B1C2D3-E4F5-4A6B-8C7D-9E0F1A2B3C4D' : randomUUID(),
      name: i % 5 === 0 ? null : `세부내역 ${i % 300}`,
      // Runs of one value (a batch's stamp), a null between them, and values seen before.
      tag: i < 1000 ? '가양2동' : i % 97 === 0 ? null : i % 500 < 250 ? 'b' : 'c',
      // Nearly every cell its own (sent as VARCHAR, not as an ENUM), a few empty.
      item: i % 101 === 0 ? null : i % 50 === 1 ? '' : `고유 항목 ${i} — "인용" \\ 끝`,
      n: i % 7 === 0 ? null : i - 1500,
      money: i % 11 === 0 ? null : (i % 2 ? -1 : 1) * (2 ** 53 - 1 - i),
      at: Date.UTC(2020, 0, 1) + i * 1000,
      // Days before 1970 too (negative), and a leap day.
      d: i % 3 === 0 ? null : i === 10 ? '1904-02-29' : `${i % 4 === 1 ? 19 : 20}${10 + (i % 20)}-0${1 + (i % 9)}-2${i % 9}`,
      x: i % 13 === 0 ? null : i / 7,
      b: i % 17 === 0 ? null : i % 2 === 0,
    }));
    const appender = await c.createAppender('t');
    for (let start = 0; start < rows.length; start += 2048) {
      const part = rows.slice(start, start + 2048);
      const columns = [
        uuidData(part.map((r) => r.id)),
        uuidData(part.map(() => batch)),
        textData(part.map((r) => r.name)),
        textData(part.map((r) => r.tag)),
        textData(part.map((r) => r.item)),
        int32Data(part.map((r) => r.n)),
        int64Data(part.map((r) => r.money)),
        timestampData(part.map((r) => r.at)),
        dateData(part.map((r) => r.d)),
        doubleData(part.map((r) => r.x)),
        booleanData(part.map((r) => r.b)),
      ];
      // The second chunk as the sync checker's thread hands its blocks over: structured-cloned.
      appender.appendDataChunk(dataChunk(start === 0 ? columns : structuredClone(columns), part.length));
    }
    appender.closeSync();
    const back = (
      await c.runAndReadAll(
        `SELECT id::VARCHAR AS id, batch::VARCHAR AS batch, name, tag, item, n, money::VARCHAR AS money, epoch_ms("at") AS "at", d::VARCHAR AS d, x, b FROM t ORDER BY rowid`,
      )
    ).getRowObjectsJS();
    expect(back).toHaveLength(rows.length);
    back.forEach((r, i) => {
      const sent = rows[i]!;
      expect(r, `row ${i}`).toEqual({ ...sent, id: sent.id.toLowerCase(), batch, money: sent.money === null ? null : String(sent.money), at: BigInt(sent.at) });
    });
  });
});

describe('known ids', () => {
  it('never says an id is not stored when it is, and says so of ids that are not', async () => {
    await c.run('CREATE TABLE spending_rows (rowId UUID)');
    expect((await KnownIds.read(c, 'spending_rows', 'rowId')).size).toBe(0);
    const stored = Array.from({ length: 5000 }, () => randomUUID());
    await c.run(`INSERT INTO spending_rows SELECT unnest(from_json($ids, '["UUID"]'))`, { ids: JSON.stringify(stored) });
    const known = await KnownIds.read(c, 'spending_rows', 'rowId');
    expect(known.size).toBe(stored.length);
    expect(stored.every((id) => known.mayHold(id))).toBe(true);
    const fresh = Array.from({ length: 5000 }, () => randomUUID());
    expect(fresh.filter((id) => known.mayHold(id))).toEqual([]);
    known.add(fresh.slice(0, 100));
    expect(fresh.slice(0, 100).every((id) => known.mayHold(id))).toBe(true);
    expect(fresh.slice(100).some((id) => known.mayHold(id))).toBe(false);
    // Claimed from a block's encoded ids (the checker's): maybe once claimed, whatever the words; the
    // id whose first 64 bits are all zero is told from an empty slot.
    const zero = '00000000-0000-0000-8000-000000000001';
    const claimed = [zero, ...fresh.slice(100, 200)];
    const words = uuidWords(uuidData(claimed));
    expect(claimed.map((_, i) => known.claimAt(words, i))).toEqual(claimed.map(() => false));
    expect(claimed.every((id) => known.mayHold(id))).toBe(true);
    expect(claimed.map((_, i) => known.claimAt(words, i))).toEqual(claimed.map(() => true));
    expect(fresh.slice(200).some((id) => known.mayHold(id))).toBe(false);
    expect(known.size).toBe(stored.length + 201);
  });

  it('keep every id through the table’s doublings, claimed from blocks and added as text in turns', () => {
    const known = new KnownIds();
    const ids: string[] = [];
    // 150,000 ids: the table doubles from 1,024 slots past 262,144, each time with ids of both kinds in it.
    for (let turn = 0; turn < 75; turn++) {
      const block = Array.from({ length: 1000 }, () => randomUUID());
      const words = uuidWords(uuidData(block));
      expect(block.some((_, i) => known.claimAt(words, i))).toBe(false);
      const text = Array.from({ length: 1000 }, () => randomUUID());
      expect(text.some((id) => known.mayHold(id))).toBe(false);
      known.add(text);
      ids.push(...block, ...text);
    }
    expect(known.size).toBe(ids.length);
    expect(ids.every((id) => known.mayHold(id))).toBe(true);
    expect(Array.from({ length: 20_000 }, () => randomUUID()).some((id) => known.mayHold(id))).toBe(false);
  });
});
