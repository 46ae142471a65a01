import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { readKept, runKept } from '../../service/store/statements.ts';

let instance: DuckDBInstance;
let connection: DuckDBConnection;
/** The statements `connection.prepare` was asked for. */
const prepared: string[] = [];

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  const prepare = connection.prepare.bind(connection);
  connection.prepare = (sql: string) => (prepared.push(sql), prepare(sql));
  await connection.run('CREATE TABLE lines (dong VARCHAR, budget BIGINT)');
  await connection.run("INSERT INTO lines VALUES ('gayang2', 100), ('gayang2', 250), ('jinjam', 40)");
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

const sumOf = 'SELECT count(*)::INTEGER AS n, sum(budget)::INTEGER AS total FROM lines WHERE dong = $dong';
const rows = async (sql: string, values: Record<string, string>) => (await readKept(connection, sql, values)).getRowObjectsJS();

describe('statements prepared once on a connection and kept (runKept)', () => {
  it('answers as a fresh statement would, whatever the parameters, preparing its text once', async () => {
    expect(await rows(sumOf, { dong: 'gayang2' })).toEqual([{ n: 2, total: 350 }]);
    expect(await rows(sumOf, { dong: 'jinjam' })).toEqual([{ n: 1, total: 40 }]);
    expect(await rows(sumOf, { dong: 'nowhere' })).toEqual([{ n: 0, total: null }]);
    expect(prepared.filter((sql) => sql === sumOf)).toHaveLength(1);
    // The same as `connection.run` gives, row for row.
    const fresh = (await connection.runAndReadAll(sumOf, { dong: 'gayang2' })).getRowObjectsJS();
    expect(await rows(sumOf, { dong: 'gayang2' })).toEqual(fresh);
  });

  it('sees the rows committed since, and the table as it is after it was dropped and made again with other types', async () => {
    await connection.run("INSERT INTO lines VALUES ('jinjam', 60)");
    expect(await rows(sumOf, { dong: 'jinjam' })).toEqual([{ n: 2, total: 100 }]);
    await connection.run('DROP TABLE lines');
    await connection.run('CREATE TABLE lines (dong VARCHAR, budget DOUBLE, note VARCHAR)');
    await connection.run("INSERT INTO lines VALUES ('jinjam', 1.5, NULL), ('jinjam', 2.5, 'x')");
    expect(await rows(sumOf, { dong: 'jinjam' })).toEqual([{ n: 2, total: 4 }]);
  });

  it('runs the same text asked twice at once, each with its own parameters', async () => {
    await connection.run("INSERT INTO lines VALUES ('gayang2', 7, NULL)");
    const both = await Promise.all([rows(sumOf, { dong: 'jinjam' }), rows(sumOf, { dong: 'gayang2' })]);
    expect(both).toEqual([[{ n: 2, total: 4 }], [{ n: 1, total: 7 }]]);
  });

  it('runs a text of two statements as connection.run does (the last one answers), and a failing one fails as it would', async () => {
    const two = "INSERT INTO lines VALUES ('daedeok', 3, NULL); SELECT count(*)::INTEGER AS n FROM lines WHERE dong = $dong";
    expect(await rows(two, { dong: 'daedeok' })).toEqual([{ n: 1 }]);
    expect(await rows(two, { dong: 'daedeok' })).toEqual([{ n: 2 }]);
    await expect(runKept(connection, 'SELECT * FROM no_such_table WHERE dong = $dong', { dong: 'x' })).rejects.toThrow(/no_such_table/);
  });
});
