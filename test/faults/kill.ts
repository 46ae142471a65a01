/**
 * The kill -9 fault driver (issue 7, "Faults"). The real service (`jachi serve`) runs as a child
 * process on one DuckDB file; a client sends sync batches of varied sizes (inserts, updates with
 * their base revision, a few deletes); at a random moment the service gets SIGKILL. It is started
 * again on the same file and the client resends the batch that was in flight (same batchId, same
 * bytes), which must be answered 200. After the last cycle the file is opened and every
 * acknowledged batch is checked against it: stored once, whole, at the revisions it was answered.
 *
 * Batch sizes, contents, ids and kill delays come from a seeded generator (JACHI_FAULT_SEED replays
 * them); where a kill lands depends on timing as well, so a replay is close, not identical.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { Store } from '../../service/store/store.ts';
import { spendingRow } from '../support/service.ts';
import type { RowResult, SyncAnswer, SyncBody } from '../../domain/contract.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const jachiBin = join(root, 'bin', 'jachi.mjs');

/** Where the client was when the service was killed. */
export type KillMoment = 'before' | 'during' | 'after';
export const killMoments: Record<KillMoment, string> = {
  before: 'before request (batch built, not sent)',
  during: 'during request (sent, no answer yet)',
  after: 'after answer (nothing in flight)',
};

export interface FaultOptions {
  cycles: number;
  /** Default: JACHI_FAULT_SEED, else a random seed (always printed through `log`). */
  seed?: number;
  log?: (line: string) => void;
}

/** mulberry32: small, fast and the same on every platform. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const hex = (n: number) => Array.from({ length: n }, () => int(0, 15).toString(16)).join('');
  /** A version-4 shaped UUID from the generator, so a replay sends the same ids. */
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(0, 3)]}${hex(3)}-${hex(12)}`;
  return { next, int, uuid };
}

export function faultSeed(): number {
  const fromEnv = process.env.JACHI_FAULT_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`JACHI_FAULT_SEED must be a whole number ≥ 0, not ${fromEnv}`);
    return n;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

// --- the service as a child process ---------------------------------------------------------------

export interface RunningService {
  child: ChildProcess;
  base: string;
  /** What the service wrote to standard error so far (its log of 500s and 503s). */
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `jachi serve --db <file> --port 0`, resolved once it prints the address it listens on. */
export function startService(db: string, timeoutMs = 120_000): Promise<RunningService> {
  const child = spawn(process.execPath, [jachiBin, 'serve', '--db', db, '--port', '0', '--host', '127.0.0.1'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return new Promise((ready, fail) => {
    let out = '';
    let err = '';
    const slow = setTimeout(() => {
      fail(new Error(`jachi serve did not listen within ${timeoutMs} ms: ${err || out}`));
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const port = /http:\/\/localhost:(\d+)\/taskpane\.html/.exec(out)?.[1];
      if (port) {
        clearTimeout(slow);
        ready({ child, base: `http://127.0.0.1:${port}`, exited, stderr: () => err });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    void exited.then(({ code, signal }) => {
      clearTimeout(slow);
      fail(new Error(`jachi serve exited (${code ?? signal}) before listening: ${err || out}`));
    });
  });
}

/** Runs `jachi <args>` to its end. */
export function runJachi(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [jachiBin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

// --- the client -----------------------------------------------------------------------------------

/** A spending row's values; the client reads back its note (the batch that wrote it) and executedKrw. */
type Values = Record<string, unknown> & { note: string; executedKrw: number };

interface Batch {
  index: number;
  batchId: string;
  /** The request body's bytes, sent again unchanged on a retry. */
  json: string;
  body: SyncBody<Values>;
  inserts: Set<string>;
  sends: number;
  /** What GET /api/batches/:batchId said after the restart that followed a kill, before the resend. */
  statusAfterRestart?: string;
}

interface Known {
  revision: number;
  deleted: boolean;
  values: Values;
  batchId: string;
}

export interface Acknowledged {
  batchId: string;
  index: number;
  rows: number;
  sends: number;
  answer: SyncAnswer;
}

export interface Verification {
  /** Records in sync_batches, and the distinct batchIds among them. */
  storedBatches: number;
  distinctStoredBatches: number;
  /** Acknowledged batches with no record, and records no client was answered for. */
  missing: string[];
  unacknowledged: string[];
  /** Acknowledged batches whose stored answer differs from the one the client received. */
  answerMismatches: string[];
  /** Batches whose audit rows are not exactly their answer's accepted rows at their revisions. */
  auditMismatches: string[];
  /** Audit rows and rows of a batch with no sync_batches record: a half-applied batch. */
  orphanAuditRows: number;
  orphanRows: number;
  auditRows: number;
  distinctRevisions: number;
  maxRevision: number;
  /** spending_rows: rows (live and tombstones) and distinct rowIds. */
  rows: number;
  distinctRowIds: number;
  liveRows: number;
  /** Rows whose stored revision, tombstone, values or batch differ from what the client was told. */
  stateMismatches: string[];
  /** Batches sent more than once: each one stored once, with audit rows counted once. */
  retriedStoredOnce: number;
  retriedAuditExact: number;
  /** Of the batches in flight at a kill: committed before the kill (answer lost) or applied on the retry. */
  committedBeforeKill: number;
  appliedOnRetry: number;
  /** In-flight batches whose status after the restart (applied / unknown) disagrees with the file. */
  statusMismatches: string[];
}

export interface FaultReport {
  seed: number;
  cycles: number;
  ms: number;
  batches: number;
  acknowledged: Acknowledged[];
  /** Batches sent more than once (in flight at a kill, then resent after the restart). */
  retried: number;
  /** Batches built when the service was killed (sent or not), resent after the restart. */
  inFlightAtKill: number;
  /** In flight when killed, yet answered 200 before the process died. */
  answeredDespiteKill: number;
  kills: Record<KillMoment, number>;
  bigBatchKills: number;
  /** Accepted results by operation; `inserts` is also the number of rows the file must hold. */
  inserts: number;
  updates: number;
  deletes: number;
  acceptedResults: number;
  largestBatch: number;
  /** Anything a correct service would not do: non-200 answers, non-accepted rows, failed requests. */
  problems: string[];
  verification: Verification;
}

/** A batch of this many rows or more is big (the service takes a few hundred ms over it). */
const bigBatch = 1500;
const size = (b: Batch) => b.body.rows.length + b.body.deletes.length;

/** The end of the service's standard error, for a problem's message. */
const serviceLog = (s: RunningService) => (s.stderr() ? `\n    service stderr: ${s.stderr().slice(-2000).trimEnd().replaceAll('\n', '\n    ')}` : '');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One POST; a network error (the service died) is `{ lost }`, any answer is kept as it came. */
async function send(base: string, token: string, batch: Batch): Promise<{ status: number; text: string } | { lost: string }> {
  try {
    const res = await fetch(`${base}/api/sync/spending`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: batch.json,
      signal: AbortSignal.timeout(120_000),
    });
    return { status: res.status, text: await res.text() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { lost: cause?.code ?? cause?.message ?? (error as Error).message };
  }
}

/** GET /api/batches/:batchId: what the service says became of a batch. */
async function batchStatus(base: string, token: string, batchId: string): Promise<{ status: string; answer?: SyncAnswer }> {
  try {
    const res = await fetch(`${base}/api/batches/${batchId}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(60_000) });
    const body = (await res.json()) as { status?: string; answer?: SyncAnswer };
    return res.status === 200 && body.status ? { status: body.status, answer: body.answer } : { status: `HTTP ${res.status}` };
  } catch (error) {
    return { status: `no answer (${(error as Error).message})` };
  }
}

/** Runs the cycles, then verifies the file. Never throws for what it finds: see `problems`. */
export async function runFaults(options: FaultOptions): Promise<FaultReport> {
  const seed = options.seed ?? faultSeed();
  const log = options.log ?? (() => undefined);
  log(`kill -9 faults: ${options.cycles} cycles, seed ${seed} (replay: JACHI_FAULT_SEED=${seed})`);
  const started = Date.now();
  const rand = seeded(seed);
  const dir = mkdtempSync(join(tmpdir(), 'jachi-faults-'));
  const db = join(dir, 'jachi.duckdb');
  let service: RunningService | undefined;

  const known = new Map<string, Known>();
  const live: string[] = [];
  const liveAt = new Map<string, number>();
  const sentBatches: Batch[] = [];
  const acknowledged: Acknowledged[] = [];
  const problems: string[] = [];
  const kills: Record<KillMoment, number> = { before: 0, during: 0, after: 0 };
  const killTimes = new Map<string, number>();
  let inserts = 0;
  let updates = 0;
  let deletes = 0;
  let acceptedResults = 0;
  let largestBatch = 0;
  let inFlightAtKill = 0;
  let answeredDespiteKill = 0;
  let bigBatchKills = 0;

  const addLive = (rowId: string) => {
    liveAt.set(rowId, live.length);
    live.push(rowId);
  };
  const dropLive = (rowId: string) => {
    const at = liveAt.get(rowId)!;
    const last = live.pop()!;
    if (last !== rowId) {
      live[at] = last;
      liveAt.set(last, at);
    }
    liveAt.delete(rowId);
  };
  const pickLive = (n: number): string[] => {
    const picked = new Set<string>();
    while (picked.size < n) picked.add(live[rand.int(0, live.length - 1)]!);
    return [...picked];
  };

  /** The next batch: mostly small, some medium, some up to 3000 rows; updates and deletes of known rows. */
  const nextBatch = (big: boolean): Batch => {
    const index = sentBatches.length + 1;
    const roll = rand.next();
    const rowCount = big || roll < 0.08 ? rand.int(bigBatch, 3000) : roll < 0.35 ? rand.int(51, 500) : rand.int(1, 50);
    const deleteCount = live.length > 20 && rand.next() < 0.25 ? rand.int(1, Math.min(10, rowCount)) : 0;
    const updateCount = Math.min(Math.floor((rowCount - deleteCount) * rand.next() * 0.6), Math.floor(live.length / 2));
    const insertCount = rowCount - deleteCount - updateCount;
    const touched = pickLive(updateCount + deleteCount);
    const note = `배치 ${index}`;
    const rows: SyncBody<Values>['rows'] = [];
    const ins = new Set<string>();
    for (const rowId of touched.slice(0, updateCount)) {
      const k = known.get(rowId)!;
      rows.push({ rowId, baseRevision: k.revision, values: { ...k.values, executedKrw: rand.int(0, 40_000_000), note } });
    }
    for (let i = 0; i < insertCount; i++) {
      const rowId = rand.uuid();
      ins.add(rowId);
      rows.push({ rowId, baseRevision: null, values: { ...spendingRow({ item: `항목 ${index}-${i}` }), executedKrw: rand.int(0, 40_000_000), note } });
    }
    const dels = touched.slice(updateCount).map((rowId) => ({ rowId, baseRevision: known.get(rowId)!.revision }));
    const body: SyncBody<Values> = { batchId: rand.uuid(), rows, deletes: dels };
    largestBatch = Math.max(largestBatch, rowCount);
    const batch = { index, batchId: body.batchId, json: JSON.stringify(body), body, inserts: ins, sends: 0 };
    sentBatches.push(batch);
    return batch;
  };

  /** A 200 answer: every row must be accepted; the client's picture of the rows follows it. */
  const acknowledge = (batch: Batch, text: string) => {
    const answer = JSON.parse(text) as SyncAnswer;
    acknowledged.push({ batchId: batch.batchId, index: batch.index, rows: size(batch), sends: batch.sends, answer });
    if (answer.batchId !== batch.batchId) problems.push(`batch ${batch.batchId}: answered for ${answer.batchId}`);
    const byId = new Map<string, RowResult>(answer.results.map((r) => [r.rowId, r]));
    for (const row of batch.body.rows) {
      const r = byId.get(row.rowId);
      if (r?.status !== 'accepted' || r.revision === undefined) {
        problems.push(`batch ${batch.batchId}: row ${row.rowId} answered ${JSON.stringify(r)}`);
        continue;
      }
      acceptedResults += 1;
      if (batch.inserts.has(row.rowId)) {
        inserts += 1;
        addLive(row.rowId);
      } else updates += 1;
      known.set(row.rowId, { revision: r.revision, deleted: false, values: row.values, batchId: batch.batchId });
    }
    for (const del of batch.body.deletes) {
      const r = byId.get(del.rowId);
      if (r?.status !== 'accepted' || r.revision === undefined) {
        problems.push(`batch ${batch.batchId}: delete ${del.rowId} answered ${JSON.stringify(r)}`);
        continue;
      }
      acceptedResults += 1;
      deletes += 1;
      dropLive(del.rowId);
      const k = known.get(del.rowId)!;
      known.set(del.rowId, { ...k, revision: r.revision, deleted: true, batchId: batch.batchId });
    }
  };

  let token = '';
  let inFlight: Batch | null = null;

  /** After a restart: the batch in flight, resent unchanged, must be answered 200. */
  const retry = async (running: RunningService, cycle: number) => {
    if (!inFlight) return;
    // As the task pane does: ask what became of the batch, then (here always) send it again.
    const status = await batchStatus(running.base, token, inFlight.batchId);
    inFlight.statusAfterRestart = status.status;
    if (status.status !== 'applied' && status.status !== 'unknown') {
      problems.push(`cycle ${cycle}: after the restart, batch #${inFlight.index} ${inFlight.batchId} is ${status.status}${serviceLog(running)}`);
    }
    inFlight.sends += 1;
    const outcome = await send(running.base, token, inFlight);
    if ('status' in outcome && outcome.status === 200) {
      if (status.answer && JSON.stringify(status.answer) !== JSON.stringify(JSON.parse(outcome.text))) {
        problems.push(`cycle ${cycle}: batch #${inFlight.index} ${inFlight.batchId}: the resend's answer differs from the one GET /api/batches gave`);
      }
      acknowledge(inFlight, outcome.text);
      inFlight = null;
    } else {
      const answer = 'lost' in outcome ? `no answer (${outcome.lost})` : `${outcome.status} ${outcome.text.slice(0, 300)}`;
      problems.push(`cycle ${cycle}: retry of batch #${inFlight.index} ${inFlight.batchId} got ${answer}${serviceLog(running)}`);
    }
  };

  try {
    const store = await Store.open(db);
    try {
      token = (await store.createToken({ role: 'dong', dong: '가양2동', name: '장애 시험 / fault client' })).token;
    } finally {
      store.close();
    }

    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      const t0 = Date.now();
      service = await startService(db);
      const running = service;
      const t1 = Date.now();
      await retry(running, cycle);
      const t2 = Date.now();

      // The kill: at a random delay from now, or at a random delay after a big batch is sent.
      const onBigBatch = rand.next() < 0.35;
      const delay = onBigBatch ? rand.int(0, 400) : rand.int(0, 600);
      let phase: KillMoment = 'after';
      let killed = false;
      let killedIn: { moment: KillMoment; batch: Batch | null } | undefined;
      const kill = () => {
        if (killed) return;
        killed = true;
        killedIn = { moment: phase, batch: inFlight };
        if (inFlight) killTimes.set(inFlight.batchId, Date.now());
        running.child.kill('SIGKILL');
      };
      let timer = onBigBatch ? undefined : setTimeout(kill, delay);

      while (!killed) {
        if (!inFlight) {
          phase = 'after';
          await sleep(rand.int(0, 30));
          if (killed) break;
          inFlight = nextBatch(onBigBatch && timer === undefined);
        }
        phase = 'before';
        await sleep(rand.int(0, 30));
        if (killed) break;
        const batch: Batch = inFlight;
        phase = 'during';
        batch.sends += 1;
        if (timer === undefined) timer = setTimeout(kill, delay);
        const outcome = await send(running.base, token, batch);
        if ('status' in outcome && outcome.status === 200) {
          if (killed) {
            answeredDespiteKill += 1;
            killTimes.delete(batch.batchId);
          }
          acknowledge(batch, outcome.text);
          inFlight = null;
          phase = 'after';
        } else if ('status' in outcome) {
          problems.push(`cycle ${cycle}: batch #${batch.index} ${batch.batchId} answered ${outcome.status} ${outcome.text.slice(0, 300)}${serviceLog(running)}`);
          kill();
        } else if (!killed) {
          problems.push(`cycle ${cycle}: batch #${batch.index} ${batch.batchId} lost (${outcome.lost}) while the service was running${serviceLog(running)}`);
          kill();
        }
      }
      clearTimeout(timer);
      const exit = await running.exited;
      service = undefined;
      if (exit.signal !== 'SIGKILL') problems.push(`cycle ${cycle}: service ended with ${exit.code ?? exit.signal}, not by SIGKILL`);
      const k = killedIn!;
      kills[k.moment] += 1;
      if (k.moment === 'during' && inFlight && size(inFlight) >= bigBatch) bigBatchKills += 1;
      if (k.batch && inFlight) inFlightAtKill += 1;
      const what = inFlight ? `batch #${inFlight.index} (${size(inFlight)} rows) in flight` : 'nothing in flight';
      const when = onBigBatch ? `${delay} ms after a big batch was sent` : `${delay} ms`;
      log(
        `cycle ${cycle}/${options.cycles}: SIGKILL ${killMoments[k.moment]}, ${when}; ${what}; ${acknowledged.length} acknowledged so far [start ${t1 - t0} ms, retry ${t2 - t1} ms, run ${Date.now() - t2} ms]`,
      );
    }

    // The last restart: resend what was in flight, then stop the service as an operator would.
    service = await startService(db);
    await retry(service, options.cycles + 1);
    service.child.kill('SIGTERM');
    await service.exited;
    service = undefined;

    const verification = await verify(db, acknowledged, sentBatches, known, killTimes);
    const report: FaultReport = {
      seed,
      cycles: options.cycles,
      ms: Date.now() - started,
      batches: sentBatches.length,
      acknowledged,
      retried: sentBatches.filter((b) => b.sends > 1).length,
      inFlightAtKill,
      answeredDespiteKill,
      kills,
      bigBatchKills,
      inserts,
      updates,
      deletes,
      acceptedResults,
      largestBatch,
      problems,
      verification,
    };
    return report;
  } finally {
    if (service) {
      service.child.kill('SIGKILL');
      await service.exited;
    }
    // A file that shows a problem is kept for a person to open.
    if (problems.length === 0) rmSync(dir, { recursive: true, force: true });
    else log(`the database file is kept for inspection: ${db}`);
  }
}

/** Opens the file itself (no service code) and holds it against what the client was answered. */
async function verify(db: string, acknowledged: Acknowledged[], sent: Batch[], known: Map<string, Known>, killTimes: Map<string, number>): Promise<Verification> {
  const instance = await DuckDBInstance.create(db);
  const conn = await instance.connect();
  try {
    const q = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    const stored = await q('SELECT batchId::VARCHAR AS batchId, answer::VARCHAR AS answer, answerGzip, epoch_ms(createdAt) AS at FROM sync_batches');
    const audit = await q('SELECT batchId::VARCHAR AS batchId, rowId::VARCHAR AS rowId, revision FROM row_audit');
    const rows = await q('SELECT rowId::VARCHAR AS rowId, revision, deleted, batchId::VARCHAR AS batchId, executedKrw, note FROM spending_rows');

    const storedById = new Map<string, { answer: string; at: number }>();
    // Answers are stored gzipped (migration 009); older records keep their JSON.
    const answerOf = (s: Record<string, unknown>) => (s.answerGzip ? gunzipSync(s.answerGzip as Uint8Array).toString('utf8') : (s.answer as string));
    for (const s of stored) storedById.set(s.batchId as string, { answer: answerOf(s), at: Number(s.at) });
    const ackById = new Map(acknowledged.map((a) => [a.batchId, a]));

    const auditByBatch = new Map<string, string[]>();
    let orphanAuditRows = 0;
    const revisions = new Set<number>();
    let maxRevision = 0;
    for (const a of audit) {
      const batchId = a.batchId as string | null;
      const revision = Number(a.revision);
      revisions.add(revision);
      maxRevision = Math.max(maxRevision, revision);
      if (!batchId || !storedById.has(batchId)) orphanAuditRows += 1;
      if (batchId) {
        const list = auditByBatch.get(batchId) ?? [];
        list.push(`${a.rowId}@${revision}`);
        auditByBatch.set(batchId, list);
      }
    }

    const auditMismatches: string[] = [];
    const answerMismatches: string[] = [];
    for (const a of acknowledged) {
      const s = storedById.get(a.batchId);
      if (s && JSON.stringify(JSON.parse(s.answer)) !== JSON.stringify(a.answer)) answerMismatches.push(a.batchId);
      const expected = a.answer.results
        .filter((r) => r.status === 'accepted')
        .map((r) => `${r.rowId}@${r.revision}`)
        .sort();
      const actual = (auditByBatch.get(a.batchId) ?? []).sort();
      if (expected.join() !== actual.join()) auditMismatches.push(`${a.batchId}: ${actual.length} audit rows for ${expected.length} accepted`);
    }

    const stateMismatches: string[] = [];
    const rowIds = new Set<string>();
    let orphanRows = 0;
    let liveRows = 0;
    for (const r of rows) {
      const rowId = r.rowId as string;
      rowIds.add(rowId);
      if (!r.deleted) liveRows += 1;
      if (!storedById.has(r.batchId as string)) orphanRows += 1;
      const k = known.get(rowId);
      const same =
        k &&
        k.revision === Number(r.revision) &&
        k.deleted === Boolean(r.deleted) &&
        k.batchId === r.batchId &&
        k.values.note === r.note &&
        k.values.executedKrw === Number(r.executedKrw);
      if (!same)
        stateMismatches.push(
          `${rowId}: stored ${JSON.stringify({ revision: Number(r.revision), deleted: r.deleted, batchId: r.batchId })}, answered ${JSON.stringify(k && { revision: k.revision, deleted: k.deleted, batchId: k.batchId })}`,
        );
    }
    for (const rowId of known.keys()) if (!rowIds.has(rowId)) stateMismatches.push(`${rowId}: acknowledged, not stored`);

    const retried = sent.filter((b) => b.sends > 1);
    const accepted = (batchId: string) => ackById.get(batchId)?.answer.results.filter((r) => r.status === 'accepted').length ?? -1;
    let committedBeforeKill = 0;
    let appliedOnRetry = 0;
    const statusMismatches: string[] = [];
    const sentById = new Map(sent.map((b) => [b.batchId, b]));
    for (const [batchId, killedAt] of killTimes) {
      const s = storedById.get(batchId);
      if (!s) continue;
      const before = s.at <= killedAt;
      if (before) committedBeforeKill += 1;
      else appliedOnRetry += 1;
      const said = sentById.get(batchId)?.statusAfterRestart;
      if (said !== (before ? 'applied' : 'unknown'))
        statusMismatches.push(`${batchId}: ${before ? 'committed before the kill' : 'applied on the retry'}, but GET /api/batches said ${said}`);
    }

    return {
      storedBatches: stored.length,
      distinctStoredBatches: storedById.size,
      missing: acknowledged.filter((a) => !storedById.has(a.batchId)).map((a) => a.batchId),
      unacknowledged: [...storedById.keys()].filter((id) => !ackById.has(id)),
      answerMismatches,
      auditMismatches,
      orphanAuditRows,
      orphanRows,
      auditRows: audit.length,
      distinctRevisions: revisions.size,
      maxRevision,
      rows: rows.length,
      distinctRowIds: rowIds.size,
      liveRows,
      stateMismatches,
      retriedStoredOnce: retried.filter((b) => stored.filter((s) => s.batchId === b.batchId).length === 1).length,
      retriedAuditExact: retried.filter((b) => (auditByBatch.get(b.batchId)?.length ?? 0) === accepted(b.batchId)).length,
      committedBeforeKill,
      appliedOnRetry,
      statusMismatches,
    };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The figures a person checks, one per line. */
export function summary(r: FaultReport): string {
  const v = r.verification;
  const ack = r.acknowledged.length;
  return [
    `seed ${r.seed} · ${r.cycles} cycles · ${(r.ms / 1000).toFixed(1)} s`,
    `batches: ${r.batches} built, ${ack} acknowledged, ${r.retried} retried after a kill (largest ${r.largestBatch} rows)`,
    `kill moments: ${(Object.keys(killMoments) as KillMoment[]).map((m) => `${killMoments[m]} ${r.kills[m]}`).join(' · ')}`,
    `  in flight at a kill: ${r.inFlightAtKill} (committed before the kill, answer lost: ${v.committedBeforeKill}; applied on the retry: ${v.appliedOnRetry}); during a big batch: ${r.bigBatchKills}; answered despite the kill: ${r.answeredDespiteKill}`,
    `rows accepted: ${r.inserts} inserts, ${r.updates} updates, ${r.deletes} deletes (${r.acceptedResults} in all)`,
    `file: ${v.storedBatches} batch records (${v.distinctStoredBatches} distinct) for ${ack} acknowledged; missing ${v.missing.length}, never acknowledged ${v.unacknowledged.length}, answer differs ${v.answerMismatches.length}`,
    `      ${v.auditRows} audit rows for ${r.acceptedResults} accepted, revisions ${v.distinctRevisions} distinct up to ${v.maxRevision}; batches with wrong audit rows ${v.auditMismatches.length}`,
    `      ${v.rows} rows (${v.distinctRowIds} distinct ids, ${v.liveRows} live) for ${r.inserts} inserts; half-applied: ${v.orphanAuditRows} audit rows, ${v.orphanRows} rows; rows not as answered ${v.stateMismatches.length}`,
    `      retried batches stored once ${v.retriedStoredOnce}/${r.retried}, audited once ${v.retriedAuditExact}/${r.retried}; GET /api/batches after the restart wrong ${v.statusMismatches.length}`,
    r.problems.length === 0 ? 'problems: none' : `problems (${r.problems.length}):\n  ${r.problems.slice(0, 20).join('\n  ')}`,
  ].join('\n');
}

/** What kill.test.ts asserts, as a list of what is wrong (empty when all is well). */
export function failures(r: FaultReport): string[] {
  const v = r.verification;
  const ack = r.acknowledged.length;
  const check = (ok: boolean, what: string) => (ok ? [] : [what]);
  return [
    ...r.problems,
    ...check(ack === r.batches, `${r.batches - ack} batches never acknowledged`),
    ...check(v.storedBatches === ack && v.distinctStoredBatches === ack, `${v.storedBatches} batch records for ${ack} acknowledged batches`),
    ...v.missing.map((id) => `acknowledged batch ${id} is not stored`),
    ...v.unacknowledged.map((id) => `stored batch ${id} was never acknowledged`),
    ...v.answerMismatches.map((id) => `batch ${id}: stored answer differs from the one received`),
    ...v.auditMismatches,
    ...check(v.orphanAuditRows === 0 && v.orphanRows === 0, `half-applied: ${v.orphanAuditRows} audit rows, ${v.orphanRows} rows without their batch`),
    ...check(v.auditRows === r.acceptedResults, `${v.auditRows} audit rows for ${r.acceptedResults} accepted changes`),
    ...check(
      v.distinctRevisions === v.auditRows && v.maxRevision === v.auditRows,
      `revisions: ${v.distinctRevisions} distinct, max ${v.maxRevision}, for ${v.auditRows} audit rows`,
    ),
    ...check(v.rows === r.inserts && v.distinctRowIds === r.inserts, `${v.rows} rows (${v.distinctRowIds} ids) for ${r.inserts} inserts`),
    ...check(v.liveRows === r.inserts - r.deletes, `${v.liveRows} live rows for ${r.inserts} inserts and ${r.deletes} deletes`),
    ...v.stateMismatches.slice(0, 20),
    ...v.statusMismatches,
    ...check(
      v.retriedStoredOnce === r.retried && v.retriedAuditExact === r.retried,
      `retried batches: ${v.retriedStoredOnce} stored once, ${v.retriedAuditExact} audited once, of ${r.retried}`,
    ),
  ];
}
