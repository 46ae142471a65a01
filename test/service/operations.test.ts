import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadDemo } from '../../service/demo.ts';
import { doctor, restoreBackup } from '../../service/store/backup.ts';
import { latestMigration } from '../../service/store/db.ts';
import { Store } from '../../service/store/store.ts';
import { batchedLines } from '../../service/http/log.ts';
import { batch, spendingRow, startService, type TestService } from '../support/service.ts';
import { imageMalloc } from '../load/load.ts';

async function read(file: string, sql: string) {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const c = await instance.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJson() as Record<string, any>[];
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

let svc: TestService;
let backupDir: string;
beforeAll(async () => {
  backupDir = mkdtempSync(join(tmpdir(), 'jachi-backups-'));
  svc = await startService({ backups: { dir: backupDir, keep: 2 } });
  await loadDemo(svc.store);
});
afterAll(() => {
  svc?.close();
  rmSync(backupDir, { recursive: true, force: true });
});

describe('backups while serving', () => {
  it('POST /api/backup copies every acknowledged batch up to the revision it names, while syncs go on', async () => {
    // Officials keep syncing while the administrator takes a backup.
    const before = (await svc.store.counts()).spending;
    const sent = Array.from({ length: 12 }, (_, i) => batch([{ values: spendingRow({ fiscalYear: 2020, phase: 2, item: `동시 동기화 ${i}`, executedOn: null }) }]));
    const syncs = sent.map((b) => svc.json('POST', '/api/sync/spending', 'dong', b));
    const taken = await svc.json('POST', '/api/backup', 'admin');
    const answers = await Promise.all(syncs);
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ bytes: expect.any(Number), revision: expect.any(Number) });
    expect(taken.body.file.startsWith(backupDir)).toBe(true);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // Exactly the batches acknowledged at or below the revision are in the copy, each whole.
    const inCopy = new Set((await read(taken.body.file, 'SELECT batchId::VARCHAR AS b FROM sync_batches')).map((r) => r.b));
    for (const [i, a] of answers.entries()) expect(inCopy.has(sent[i]!.batchId), `batch ${i} r${a.body.revision}`).toBe(a.body.revision <= taken.body.revision);
    const [audit] = await read(taken.body.file, 'SELECT max(revision) AS r, count(*) AS n FROM row_audit');
    expect(Number(audit!.r)).toBe(taken.body.revision);
    const [rows] = await read(taken.body.file, 'SELECT count(*) AS n FROM spending_rows');
    expect(Number(rows!.n)).toBe(before + answers.filter((a) => a.body.revision <= taken.body.revision).length);
    // Restored into a new file, it holds each of those batches exactly once, and its rows.
    const dir = mkdtempSync(join(tmpdir(), 'jachi-restored-'));
    try {
      const restored = join(dir, 'restored.duckdb');
      await restoreBackup(taken.body.file, restored);
      const store = await Store.open(restored);
      try {
        const counts = (await store.reader.runAndReadAll('SELECT batchId::VARCHAR AS b, count(*) AS n FROM sync_batches GROUP BY ALL')).getRowObjectsJson();
        const times = new Map(counts.map((r) => [r.b as string, Number(r.n)]));
        for (const [i, a] of answers.entries()) expect(times.get(sent[i]!.batchId) ?? 0).toBe(a.body.revision <= taken.body.revision ? 1 : 0);
        const items = (await store.reader.runAndReadAll("SELECT item, count(*) AS n FROM spending WHERE item LIKE '동시 동기화 %' GROUP BY item")).getRowObjectsJson();
        expect(items.every((r) => r.n === '1')).toBe(true);
        expect(items).toHaveLength(answers.filter((a) => a.body.revision <= taken.body.revision).length);
        expect(store.revision).toBe(taken.body.revision);
      } finally {
        store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is for administrators only, and keeps the newest backups', async () => {
    expect((await svc.json('POST', '/api/backup', 'manager')).status).toBe(403);
    for (let i = 0; i < 3; i++) {
      expect((await svc.json('POST', '/api/backup', 'admin')).status).toBe(200);
    }
    expect(readdirSync(backupDir).filter((f) => f.endsWith('.duckdb'))).toHaveLength(2);
  });

  it('takes two backups asked at once, each whole', async () => {
    const taken = await Promise.all([svc.json('POST', '/api/backup', 'admin'), svc.json('POST', '/api/backup', 'admin')]);
    expect(taken.map((t) => t.status)).toEqual([200, 200]);
    for (const { body } of taken) expect(existsSync(body.file)).toBe(true);
    expect(readdirSync(backupDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('restore and doctor', () => {
  it('restores a checked backup, keeping the file it replaces, and says what it restored', async () => {
    const { body: taken } = await svc.json('POST', '/api/backup', 'admin');
    const dir = mkdtempSync(join(tmpdir(), 'jachi-restore-'));
    try {
      const target = join(dir, 'jachi.duckdb');
      const old = await Store.open(target);
      old.close();
      const restored = await restoreBackup(taken.file, target);
      expect(restored.revision).toBe(taken.revision);
      expect(restored.rows.participation).toBe((await svc.store.counts()).participation);
      expect(restored.replaced && existsSync(restored.replaced)).toBe(true);
      const store = await Store.open(target);
      try {
        expect(store.revision).toBe(taken.revision);
        expect((await store.counts()).participation).toBe(restored.rows.participation);
      } finally {
        store.close();
      }
      // doctor (read-only) reports the schema, the rows and the last revision.
      const report = await doctor(target);
      expect(report).toMatchObject({ schemaVersion: latestMigration(), knownSchemaVersion: latestMigration(), revision: taken.revision });
      expect(report.rows.participation).toEqual({ live: restored.rows.participation, deleted: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what is not a backup, or a database a service holds, replacing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jachi-restore-'));
    try {
      const target = join(dir, 'jachi.duckdb');
      const notBackup = join(dir, 'other.duckdb');
      (await Store.open(notBackup)).close();
      await expect(restoreBackup(notBackup, target)).rejects.toThrow(/백업이 아닙니다.*not a Jachi Ledger backup/s);
      writeFileSync(join(dir, 'garbage.duckdb'), 'not a database');
      await expect(restoreBackup(join(dir, 'garbage.duckdb'), target)).rejects.toThrow(/DuckDB 파일로 열 수 없습니다/);
      expect(existsSync(target)).toBe(false);
      // The running test service holds its file: `jachi restore` over it (another process) is refused.
      const { body: taken } = await svc.json('POST', '/api/backup', 'admin');
      const run = spawnSync(process.execPath, ['bin/jachi.mjs', 'restore', taken.file, '--db', svc.path], { encoding: 'utf8' });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/서비스를 멈추고 복원하세요.*stop the service first/s);
      expect(readdirSync(svc.dir).some((f) => f.includes('.replaced-'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('doctor on the command line: schema, rows, last revision and whether a backup is recent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jachi-doctor-'));
    try {
      const db = join(dir, 'jachi.duckdb');
      (await Store.open(db)).close();
      const run = spawnSync(process.execPath, ['bin/jachi.mjs', 'doctor', '--db', db], { encoding: 'utf8' });
      expect(run.stdout).toContain(`스키마 / schema: ${latestMigration()}`);
      expect(run.stdout).toContain('백업 없음 / no backup recorded');
      expect(run.stdout).toContain('시·도 / cities: 대전광역시 (30, 동 20)');
      expect(run.status).toBe(2); // no recent backup: a monitoring script can tell
      const json = JSON.parse(execFileSync(process.execPath, ['bin/jachi.mjs', 'doctor', '--db', db, '--json'], { encoding: 'utf8' }));
      expect(json).toMatchObject({ revision: 0, lastBackup: null, backupRecent: false, cities: [{ code: '30', name: '대전광역시', dongs: 20 }] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('upgrades', () => {
  it('refuses a file written by a newer version, clearly, without opening it halfway', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jachi-newer-'));
    try {
      const db = join(dir, 'jachi.duckdb');
      (await Store.open(db)).close();
      const instance = await DuckDBInstance.create(db);
      const c = await instance.connect();
      await c.run(`INSERT INTO schema_migrations (version, name) VALUES (${latestMigration() + 1}, '999_from_the_future.sql')`);
      c.closeSync();
      instance.closeSync();
      await expect(Store.open(db)).rejects.toThrow(/더 새 버전의 자치 장부\(스키마 \d+\)가 쓴 것입니다.*newer Jachi Ledger/s);
      // The refusal let go of the file: it opens again (read-only) at once.
      expect((await read(db, 'SELECT max(version) AS v FROM schema_migrations'))[0]!.v).toBe(latestMigration() + 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('behind the city’s reverse proxy', () => {
  const guesses = async (s: TestService, forwardedFor: string, n: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push((await s.app.request('/api/meta', { headers: { authorization: `Bearer guess-${i}`, 'x-forwarded-for': forwardedFor } })).status);
    return statuses;
  };

  it('--trust-proxy: failed sign-ins are counted per client, so one office cannot lock out another', async () => {
    const behind = await startService({ limits: { failedAuthPerSecond: 1 }, trustProxy: true });
    try {
      expect((await guesses(behind, '203.0.113.7', 8)).slice(-1)).toEqual([429]);
      // Another client behind the same proxy: its mistakes are its own. A spoofed first entry changes nothing.
      expect(await guesses(behind, '1.2.3.4, 198.51.100.20', 1)).toEqual([401]);
      expect(await guesses(behind, '198.51.100.99, 203.0.113.7', 1)).toEqual([429]);
    } finally {
      behind.close();
    }
  });

  it('without it, X-Forwarded-For is ignored: a client cannot pick its own address', async () => {
    const direct = await startService({ limits: { failedAuthPerSecond: 1 } });
    try {
      expect((await guesses(direct, '203.0.113.7', 8)).slice(-1)).toEqual([429]);
      expect(await guesses(direct, '198.51.100.20', 1)).toEqual([429]);
    } finally {
      direct.close();
    }
  });
});

describe('the container', () => {
  it('runs `jachi serve` with options serve knows, as the unprivileged user, the database on the volume', () => {
    const dockerfile = readFileSync(join(import.meta.dirname, '../../Dockerfile'), 'utf8');
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    expect(cmd.slice(0, 3)).toEqual(['node', 'bin/jachi.mjs', 'serve']);
    const help = execFileSync(process.execPath, ['bin/jachi.mjs', 'serve', '--help'], { encoding: 'utf8' });
    for (const flag of cmd.filter((a) => a.startsWith('--'))) expect(help, flag).toContain(flag);
    expect(cmd[cmd.indexOf('--db') + 1]).toMatch(/^\/data\//);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
  });

  it('gives the service the malloc settings `npm run load` measures it with, as the README tells a server without Docker', () => {
    const dockerfile = readFileSync(join(import.meta.dirname, '../../Dockerfile'), 'utf8');
    const env = Object.fromEntries(
      /^ENV (.*)$/m
        .exec(dockerfile)![1]!
        .split(/\s+/)
        .map((pair) => pair.split('=')),
    );
    const measured = { MALLOC_ARENA_MAX: String(imageMalloc.arenas), MALLOC_MMAP_THRESHOLD_: String(imageMalloc.mmapThreshold) };
    expect(env).toMatchObject(measured);
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const told = Object.entries(measured)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    expect(readme).toContain(`Environment=${told}`);
  });
});

describe("DuckDB's allocator", () => {
  // jemalloc, built into libduckdb, prints the options it took (and where from) when asked to print its statistics at exit.
  const allocatorRun = (own: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'jachi-alloc-'));
    try {
      const { DUCKDB_JE_MALLOC_CONF: _inherited, ...env } = process.env;
      const run = spawnSync(process.execPath, ['bin/jachi.mjs', 'token', 'list', '--db', join(dir, 'a.duckdb')], { env: { ...env, DUCKDB_JE_MALLOC_CONF: own }, encoding: 'utf8' });
      expect(run.status, run.stderr.slice(0, 500)).toBe(0);
      return run.stderr;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const told = /DUCKDB_JE_MALLOC_CONF=([\w:,]+)/.exec(readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8'))?.[1];

  it('takes the options the README tells, set by `jachi` itself before DuckDB loads', () => {
    expect(told).toBeDefined();
    const stats = allocatorRun('stats_print:true');
    expect(stats).toContain(`Environment variable MALLOC_CONF: "${told},stats_print:true"`);
    for (const [key, value] of told!.split(',').map((o) => o.split(':'))) expect(stats).toMatch(new RegExp(`^\\s*opt\\.${key}: ${value}\\b`, 'm'));
  });

  it("lets an operator's own options win", () => {
    const stats = allocatorRun('narenas:3,stats_print:true');
    expect(stats).toMatch(/^\s*opt\.narenas: 3\b/m);
  });
});

describe('logs an operator can use', () => {
  it('one JSON line per request (route, status, ms, token id — never the token), and its id on every answer, errors included', async () => {
    const lines: Record<string, unknown>[] = [];
    const logged = await startService({ log: (line) => lines.push({ ...line }) });
    try {
      const ok = await logged.call('GET', '/api/compare/summary?phase=1', 'manager');
      expect(ok.status).toBe(200);
      const refused = await logged.call('GET', '/api/compare/league', 'manager');
      expect(refused.status).toBe(404);
      const refusedId = refused.headers.get('x-request-id');
      expect(refusedId).toMatch(/^[0-9a-f]{12}$/);
      expect(Object.keys(((await refused.json()) as { error: object }).error)).toEqual(['code', 'message']);
      const [first, second] = lines;
      expect(first).toMatchObject({ method: 'GET', route: '/api/compare/:name', status: 200, token: expect.any(String) });
      expect(typeof first!.ms).toBe('number');
      expect(second).toMatchObject({ id: refusedId, status: 404 });
      expect(ok.headers.get('x-request-id')).toBe(first!.id);
      // The token's id, never its secret.
      expect(JSON.stringify(lines)).not.toContain(logged.tokens.manager);
      expect(logged.tokens.manager).toContain(String(first!.token));
    } finally {
      logged.close();
    }
  });
});

describe('the request log written a batch at a time', () => {
  it('writes the lines of a moment in one write, at once past 64 KB, and whatever waits when flushed', () => {
    vi.useFakeTimers();
    try {
      const writes: string[] = [];
      const lines = batchedLines((text) => writes.push(text), 20);
      lines.line('{"a":1}');
      lines.line('{"a":2}');
      vi.advanceTimersByTime(19);
      expect(writes).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(writes).toEqual(['{"a":1}\n{"a":2}\n']);
      const long = 'x'.repeat(40 * 1024);
      lines.line(long);
      lines.line(long);
      expect(writes).toHaveLength(2);
      expect(writes[1]).toBe(`${long}\n${long}\n`);
      lines.line('{"last":true}');
      lines.flush();
      expect(writes[2]).toBe('{"last":true}\n');
      lines.flush();
      expect(writes).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
