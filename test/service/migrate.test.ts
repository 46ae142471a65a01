import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../service/store/store.ts';

/**
 * A database written by the first wave (schema 002: `votes`, no carry-over, no allocations), made
 * with `jachi serve --demo` of that version, one row edited and one deleted by a dong token; the
 * second wave opens a copy of it and migrates it in place.
 */
const firstWave = join(import.meta.dirname, '../fixtures/first-wave.duckdb.gz');

let dir: string;
let path: string;
const before: Record<string, unknown> = {};
/** Every audit row of the first-wave file, in revision order. */
let auditBefore: Record<string, any>[] = [];
let firstBatch: { batchId: string; answer: string };
const auditSql = `SELECT revision, rowId::VARCHAR AS rowId, kind, op, dong, baseRevision, "values"::VARCHAR AS vals, updatedBy,
  strftime(updatedAt AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%f') AS updatedAt, source, batchId::VARCHAR AS batchId FROM row_audit ORDER BY revision`;

async function read(file: string, sql: string) {
  const instance = await DuckDBInstance.create(file);
  const c = await instance.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJson() as Record<string, any>[];
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jachi-migrate-'));
  path = join(dir, 'jachi.duckdb');
  writeFileSync(path, gunzipSync(readFileSync(firstWave)));
  const [counts] = await read(
    path,
    `SELECT (SELECT count(*) FROM spending_rows) AS spending, (SELECT count(*) FROM spending_rows WHERE deleted) AS tombstones,
            (SELECT count(*) FROM participation_rows) AS participation, (SELECT count(*) FROM progress_rows) AS progress,
            (SELECT count(*) FROM row_audit) AS audit, (SELECT count(*) FROM tokens) AS tokens, (SELECT count(*) FROM sync_batches) AS batches,
            (SELECT max(version) FROM schema_migrations) AS version, (SELECT sum(votes) FROM participation_rows) AS votes`,
  );
  Object.assign(before, counts);
  auditBefore = await read(path, auditSql);
  firstBatch = (await read(path, 'SELECT batchId::VARCHAR AS batchId, answer::VARCHAR AS answer FROM sync_batches ORDER BY createdAt LIMIT 1'))[0] as typeof firstBatch;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a first-wave database', () => {
  it('is migrated in place: every row, tombstone, audit record, batch and token kept', async () => {
    expect(before.version).toBe(2);
    const store = await Store.open(path);
    try {
      expect(store.db.applied).toEqual([3, 4, 5, 6, 7, 8, 9]);
      const [after] = (
        await store.reader.runAndReadAll(
          `SELECT (SELECT count(*) FROM spending_rows) AS spending, (SELECT count(*) FROM spending_rows WHERE deleted) AS tombstones,
                (SELECT count(*) FROM participation_rows) AS participation, (SELECT count(*) FROM progress_rows) AS progress,
                (SELECT count(*) FROM row_audit) AS audit, (SELECT count(*) FROM tokens) AS tokens, (SELECT count(*) FROM sync_batches) AS batches,
                (SELECT max(version) FROM schema_migrations) AS version, (SELECT sum(voters) FROM participation_rows) AS votes`,
        )
      ).getRowObjectsJson();
      expect(after).toEqual({ ...before, version: 9 });
      // Who changed what stays answerable change by change: each version's actor, time, workbook,
      // batch and base revision, and its values (a first-wave `votes` read as the voters; fields the
      // first wave did not have are blank).
      const auditAfter = (await store.reader.runAndReadAll(auditSql)).getRowObjectsJson() as Record<string, any>[];
      expect(auditAfter.map(({ vals: _v, ...r }) => r)).toEqual(auditBefore.map(({ vals: _v, ...r }) => r));
      auditAfter.forEach((r, i) => {
        const { votes, ...old } = JSON.parse(auditBefore[i]!.vals as string) as Record<string, unknown>;
        expect(JSON.parse(r.vals as string)).toMatchObject(votes === undefined ? old : { ...old, voters: votes });
      });
      const edits = auditBefore.filter((r) => r.baseRevision !== null);
      expect(edits.length).toBeGreaterThan(0);
      expect(auditBefore.some((r) => r.op === 'delete')).toBe(true);
      // The official's edit survives, its votes now the voters; the new fields are blank, never zero.
      const edited = (await store.reader.runAndReadAll("SELECT voters, votersOnline, note FROM participation WHERE note = '수정됨 (first wave)'")).getRowObjectsJson();
      expect(edited).toHaveLength(1);
      expect(Number(edited[0]!.voters)).toBeGreaterThan(0);
      expect(edited[0]!.votersOnline).toBeNull();
      const blank = (
        await store.reader.runAndReadAll('SELECT count(*) AS n FROM spending_rows WHERE carriedOverKrw IS NOT NULL OR returnedKrw IS NOT NULL OR agenda IS NOT NULL')
      ).getRowObjectsJson();
      expect(blank[0]!.n).toBe('0');
      // The one city of the file becomes Daejeon in the layout of many cities: its phases, dongs and
      // expected milestones are the city's, with its allocations and real 행정동 codes.
      expect(store.reference.reference.cities).toEqual([{ code: '30', name: '대전광역시', phases: expect.any(Array) }]);
      expect(store.reference.phaseOf('30', 1)).toMatchObject({ start: '2018-08-01', end: '2019-12-31' });
      expect(store.reference.reference.dongs.every((d) => d.city === '30')).toBe(true);
      expect(store.reference.reference.allocations).toHaveLength(16);
      expect(store.reference.dongByCode.get('30110-gayang2')?.adminCode).toBe('3011063000');
      expect(store.reference.reference.expectedMilestones.map((e) => [e.city, e.cohort, e.phase, e.milestones.length])).toEqual([
        ['30', 1, 1, 10],
        ['30', 1, 2, 3],
        ['30', 2, 2, 10],
      ]);
      // Every token kept: the city's analysts and managers stay the city's (a city loaded later
      // shows them nothing), the administrators keep the whole service, and a dong's token is its dong's city's.
      const tokens = (await store.reader.runAndReadAll('SELECT role, city FROM tokens ORDER BY role')).getRowObjectsJson();
      expect(tokens.length).toBe(Number(before.tokens));
      for (const t of tokens) expect(t.city).toBe(t.role === 'analyst' || t.role === 'manager' ? '30' : null);
      await store.writer.enqueue(() =>
        store.writer.connection.run(
          `INSERT INTO tokens (id, name, role, dong, district, hash, createdAt) VALUES ('firstwave', '가양2동 (첫 판)', 'dong', '30110-gayang2', NULL, sha256('jachi_firstwave_secret'), now())`,
        ),
      );
      expect(await store.authenticate('jachi_firstwave_secret')).toMatchObject({ role: 'dong', dong: '30110-gayang2', city: '30' });
      // The new figures are there at once.
      // (as the service answers GET /api/compare/summary)
      const summary = JSON.parse((await store.compareAnswer('summary', {}, 'json')).body.toString('utf8')) as { rows: Record<string, unknown>[] };
      expect(summary.rows.some((r) => r.kind === 'city' && r.figure === 'completionRate' && r.phase === 1 && r.value === 1)).toBe(true);
      // And a sync with the new fields goes through on the migrated file.
      const admin = { tokenId: 'migrate-test', name: 'tester', role: 'admin' as const, dong: null, district: null, city: null };
      const answer = await store.sync(
        'spending',
        {
          batchId: randomUUID(),
          rows: [
            {
              rowId: randomUUID(),
              baseRevision: null,
              values: { dong: '가양2동', phase: 2, fiscalYear: 2021, category: '기타', budgetKrw: 1000, executedKrw: 500, carriedOverKrw: 300, returnedKrw: 200 },
            },
          ],
          deletes: [],
        },
        admin,
      );
      expect(answer.results[0]!.status).toBe('accepted');
      expect(answer.revision).toBeGreaterThan(Number(before.audit));
      // A batch of the first wave keeps its answer as stored (JSON), a new one's is kept gzipped
      // (009): both are given back as they were answered.
      expect(await store.batchStatus(firstBatch.batchId, admin)).toMatchObject({ status: 'applied', answer: JSON.parse(firstBatch.answer) });
      expect(await store.batchStatus(answer.batchId, admin)).toMatchObject({ status: 'applied', answer });
    } finally {
      store.close();
    }
    // Opened again, nothing is migrated twice.
    const again = await Store.open(path);
    try {
      expect(again.db.applied).toEqual([]);
      expect(again.reference.reference.allocations).toHaveLength(16);
    } finally {
      again.close();
    }
  });
});
