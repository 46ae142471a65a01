/**
 * The load run (issue 7): the real service (`jachi serve`, a child process) over a generated country,
 * and N closed-loop clients on 127.0.0.1, each with its own token. Dong officials sync small batches
 * of their own rows (inserts, and edits of rows they synced before with the right baseRevision) and
 * pull; district officials, managers and analysts read comparisons. Per request kind: count, errors,
 * p50, p99, max; the service's peak memory from /proc; and, once the service has stopped, whether
 * every acknowledged sync is in the database file.
 */
// First: DuckDB's allocator reads its options when DuckDB loads, as `jachi` gives them (bin/duckdb-allocator.mjs);
// the report's `service:` line names them.
import '../../bin/duckdb-allocator.mjs';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { activities, categories, fundingSources, type Kind } from '../../domain/index.ts';
import { Store, type Role } from '../../service/store/store.ts';
import { printLines, type BenchLine } from '../bench/stats.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const jachi = join(root, 'bin', 'jachi.mjs');

export interface LoadOptions {
  /** Concurrent clients, each with its own token (default 50). */
  clients?: number;
  /** How long the clients run (default 30). */
  seconds?: number;
  /** Of the clients, how many read (district officials, managers, analysts); default a fifth. The rest are dong officials. */
  readers?: number;
  /** Dongs of the generated country (default 3,500), over `years` years (default 2). */
  dongs?: number;
  years?: number;
  /**
   * At most this many requests a second per client (default 10): a closed loop that waits for each
   * answer, and paces itself only when answers come faster. Half the service's default per-token rate.
   */
  perClientRate?: number;
  /** Extra options for `jachi serve` (only ones `jachi serve --help` lists). */
  serveArgs?: string[];
  /** Options for the service's node, before the script (e.g. `--cpu-prof`, to see where its time goes). */
  nodeArgs?: string[];
  /**
   * glibc's malloc arenas for the service (`MALLOC_ARENA_MAX`), as the Dockerfile sets them: 2 by
   * default; 0 leaves glibc's own (8 per core), as a service started by hand without it runs.
   */
  mallocArenas?: number;
  /**
   * glibc's mmap threshold for the service in bytes (`MALLOC_MMAP_THRESHOLD_`), as the Dockerfile
   * sets it: 131072 by default (every block of 128 KB or more mapped on its own and returned to the
   * system when freed); 0 leaves glibc's own, which rises with the blocks freed.
   */
  mmapThreshold?: number;
  /** Progress lines (generation, start, stop); default none. */
  log?: (line: string) => void;
  seed?: number;
}

export interface KindStats {
  kind: string;
  count: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  options: Required<Omit<LoadOptions, 'log'>>;
  roles: Record<'dong' | 'district' | 'manager' | 'analyst', number>;
  generated: { rows: Record<Kind, number>; ms: number };
  durationMs: number;
  requests: number;
  errors: number;
  /** Errors by cause: an HTTP status (`429`, `500`) or `network`. */
  errorCauses: Record<string, number>;
  /** The first few error answers, for a person to read. */
  errorSamples: string[];
  overall: KindStats;
  byKind: KindStats[];
  sync: {
    batches: number;
    rowsAccepted: number;
    inserts: number;
    edits: number;
    /** Rows answered other than `accepted` (conflict, rejected, forbidden, unchanged): none expected. */
    rowsNotAccepted: Record<string, number>;
  };
  /** Acknowledged syncs checked in the database file after the service stopped. */
  durable: {
    batches: number;
    batchesMissing: number;
    batchesWithOtherRowCount: number;
    rows: number;
    rowsMissingOrOtherRevision: number;
  };
  memory: {
    /** VmHWM: the service's peak resident set over its whole life, in MB (null off Linux). */
    peakRssMb: number | null;
    /** VmRSS when the clients started, the largest sampled every 500 ms, and at the end. */
    startRssMb: number | null;
    maxSampledRssMb: number | null;
    endRssMb: number | null;
    samples: number;
  };
  /** What the service wrote on standard error (errors it logged). */
  serviceStderr: string;
  /** The machine: its cores, and the 1-minute load average as the clients started and stopped (others' work shows here). */
  machine: { cores: number; loadBefore: number; loadAfter: number };
}

const run = promisify(execFile);

/** A small deterministic generator (mulberry32), so a run's mix is the same for the same seed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
type Random = ReturnType<typeof random>;
const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const int = (r: Random, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Per request kind: every latency, and the errors. */
class Recorder {
  private readonly latencies = new Map<string, number[]>();
  private readonly failures = new Map<string, number>();
  readonly causes: Record<string, number> = {};
  readonly samples: string[] = [];

  ok(kind: string, ms: number): void {
    this.list(kind).push(ms);
  }

  error(kind: string, ms: number, cause: string, detail: string): void {
    this.list(kind).push(ms);
    this.failures.set(kind, (this.failures.get(kind) ?? 0) + 1);
    this.causes[cause] = (this.causes[cause] ?? 0) + 1;
    if (this.samples.length < 10) this.samples.push(`${kind}: ${cause} ${detail.slice(0, 300)}`);
  }

  private list(kind: string): number[] {
    let list = this.latencies.get(kind);
    if (!list) this.latencies.set(kind, (list = []));
    return list;
  }

  stats(): { overall: KindStats; byKind: KindStats[] } {
    const of = (kind: string, values: number[], errors: number): KindStats => {
      const sorted = [...values].sort((a, b) => a - b);
      return { kind, count: sorted.length, errors, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 };
    };
    const byKind = [...this.latencies.keys()].sort().map((k) => of(k, this.latencies.get(k)!, this.failures.get(k) ?? 0));
    const all = [...this.latencies.values()].flat();
    const errors = [...this.failures.values()].reduce((a, b) => a + b, 0);
    return { overall: of('all', all, errors), byKind };
  }
}

/** VmRSS and VmHWM of a process, in MB, from /proc (undefined off Linux or once it has gone). */
function procMemory(pid: number): { rss: number; hwm: number } | undefined {
  const file = `/proc/${pid}/status`;
  if (!existsSync(file)) return undefined;
  try {
    const text = readFileSync(file, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

interface Client {
  index: number;
  role: 'dong' | 'district' | 'manager' | 'analyst';
  token: string;
  dong?: string;
  district?: string;
}

/** Row values a dong official might type: a spending line or a participation event of its dong. */
function spendingValues(r: Random, dong: string, n: number) {
  const phase = int(r, 1, 2);
  const budget = int(r, 1, 500) * 10_000;
  return {
    dong,
    phase,
    fiscalYear: 2018 + phase,
    category: pick(r, categories),
    item: `부하 시험 ${n}`,
    fundingSource: pick(r, fundingSources),
    budgetKrw: budget,
    executedKrw: r() < 0.1 ? null : Math.round(budget * (0.5 + r() * 0.5)),
    executedOn: `${2018 + phase}-${String(int(r, 1, 12)).padStart(2, '0')}-${String(int(r, 1, 28)).padStart(2, '0')}`,
    note: null,
  };
}

function participationValues(r: Random, dong: string, n: number) {
  const phase = int(r, 1, 2);
  const participants = int(r, 1, 300);
  return {
    dong,
    phase,
    date: `${2018 + phase}-${String(int(r, 1, 12)).padStart(2, '0')}-${String(int(r, 1, 28)).padStart(2, '0')}`,
    activity: pick(r, activities),
    title: `부하 시험 활동 ${n}`,
    participants,
    newParticipants: r() < 0.3 ? null : int(r, 0, participants),
    votes: r() < 0.7 ? null : int(r, 0, participants),
    online: r() < 0.15,
    note: null,
  };
}

/** An edit an official would make to a row: another executed amount, or another head count (never the same). */
function edited(kind: Kind, r: Random, values: Record<string, unknown>): Record<string, unknown> {
  if (kind === 'spending') {
    const budget = values.budgetKrw as number;
    const executed = Math.round((budget * (0.3 + r() * 0.7)) / 1000) * 1000;
    return { ...values, executedKrw: executed === values.executedKrw ? executed + 1000 : executed };
  }
  const participants = ((values.participants as number) % 300) + 1;
  return { ...values, participants, newParticipants: null, votes: null };
}

/** What a client knows of the rows it synced: each row's values and last acknowledged revision. */
type Known = Map<string, { revision: number; values: Record<string, unknown> }>;

/**
 * Runs the load: generate, tokens, serve, clients, stop, check the file. Everything lives in a fresh
 * temporary folder that is removed at the end.
 */
export async function runLoad(options: LoadOptions = {}): Promise<LoadResult> {
  const opts = {
    clients: options.clients ?? 50,
    readers: options.readers ?? defaultReaders(options.clients ?? 50),
    seconds: options.seconds ?? 30,
    dongs: options.dongs ?? 3500,
    years: options.years ?? 2,
    perClientRate: options.perClientRate ?? 10,
    seed: options.seed ?? 7,
    serveArgs: options.serveArgs ?? [],
    nodeArgs: options.nodeArgs ?? [],
    mallocArenas: options.mallocArenas ?? imageMalloc.arenas,
    mmapThreshold: options.mmapThreshold ?? imageMalloc.mmapThreshold,
  };
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'jachi-load-'));
  const db = join(dir, 'load.duckdb');
  let service: Service | undefined;
  try {
    log(`generating ${opts.dongs} dongs × ${opts.years} years …`);
    const t0 = performance.now();
    const gen = await run(process.execPath, [jachi, 'demo', 'generate', '--dongs', String(opts.dongs), '--years', String(opts.years), '--db', db], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    });
    const report = JSON.parse(gen.stdout.trim().split('\n').at(-1)!) as { rows: Record<Kind, number> };
    const generated = { rows: report.rows, ms: performance.now() - t0 };

    const clients = await createClients(db, opts.clients, opts.readers);
    const roles = { dong: 0, district: 0, manager: 0, analyst: 0 };
    for (const c of clients) roles[c.role] += 1;

    log('starting jachi serve …');
    service = await startService(db, opts.serveArgs, opts.nodeArgs, mallocEnv(opts));
    const pid = service.child.pid!;
    const base = service.base;

    // Memory: the resident set every 500 ms while the clients run; the peak (VmHWM) at the end.
    const memory: LoadResult['memory'] = { peakRssMb: null, startRssMb: procMemory(pid)?.rss ?? null, maxSampledRssMb: null, endRssMb: null, samples: 0 };
    const sample = () => {
      const m = procMemory(pid);
      if (!m) return;
      memory.samples += 1;
      memory.maxSampledRssMb = Math.max(memory.maxSampledRssMb ?? 0, m.rss);
    };
    sample();
    const sampler = setInterval(sample, 500);

    log(`${opts.clients} clients for ${opts.seconds} s …`);
    const recorder = new Recorder();
    const sync: LoadResult['sync'] = { batches: 0, rowsAccepted: 0, inserts: 0, edits: 0, rowsNotAccepted: {} };
    const acknowledged: { batchId: string; rows: number }[] = [];
    const known: Record<'spending' | 'participation', Known>[] = clients.map(() => ({ spending: new Map(), participation: new Map() }));
    const loadBefore = loadavg()[0]!;
    const t1 = performance.now();
    const deadline = t1 + opts.seconds * 1000;
    const minInterval = 1000 / opts.perClientRate;

    /** One request, timed to the end of its body; any non-2xx or network error is an error. */
    const request = async (client: Client, kind: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
      const t = performance.now();
      try {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${client.token}`,
            ...(body !== undefined ? { 'content-type': 'application/json', 'x-jachi-workbook': encodeURIComponent('부하시험.xlsx') } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        // Comparisons are read whole but not parsed: the driver shares the machine with the service.
        const text = kind.startsWith('compare') && res.ok ? (await res.arrayBuffer(), '') : await res.text();
        const ms = performance.now() - t;
        if (!res.ok) {
          recorder.error(kind, ms, String(res.status), text);
          return undefined;
        }
        recorder.ok(kind, ms);
        return text === '' ? null : JSON.parse(text);
      } catch (error) {
        recorder.error(kind, performance.now() - t, 'network', String((error as Error).cause ?? (error as Error).message));
        return undefined;
      }
    };

    const syncBatch = async (client: Client, r: Random, kind: 'spending' | 'participation') => {
      const mine = known[client.index]![kind];
      // 1–200 rows, most batches small (an official's edits between two syncs), a few large.
      const size = 1 + Math.floor(200 * r() ** 2);
      const edits = Math.min(mine.size, Math.floor(size * r() * 0.6));
      const rows: { rowId: string; baseRevision: number | null; values: Record<string, unknown> }[] = [];
      const ids = [...mine.keys()];
      const chosen = new Set<string>();
      while (chosen.size < edits) chosen.add(pick(r, ids));
      for (const rowId of chosen) {
        const cur = mine.get(rowId)!;
        rows.push({ rowId, baseRevision: cur.revision, values: edited(kind, r, cur.values) });
      }
      for (let i = rows.length; i < size; i++) {
        const n = mine.size + i;
        rows.push({ rowId: randomUUID(), baseRevision: null, values: kind === 'spending' ? spendingValues(r, client.dong!, n) : participationValues(r, client.dong!, n) });
      }
      const batchId = randomUUID();
      const answer = (await request(client, `sync ${kind}`, 'POST', `/api/sync/${kind}`, { batchId, rows, deletes: [] })) as
        | { results: { rowId: string; status: string; revision?: number }[] }
        | undefined;
      if (!answer) return;
      sync.batches += 1;
      sync.inserts += rows.length - chosen.size;
      sync.edits += chosen.size;
      const byId = new Map(rows.map((row) => [row.rowId, row]));
      let accepted = 0;
      for (const result of answer.results) {
        if (result.status !== 'accepted') {
          sync.rowsNotAccepted[result.status] = (sync.rowsNotAccepted[result.status] ?? 0) + 1;
          continue;
        }
        accepted += 1;
        mine.set(result.rowId, { revision: result.revision!, values: byId.get(result.rowId)!.values });
      }
      sync.rowsAccepted += accepted;
      acknowledged.push({ batchId, rows: accepted });
    };

    const since: Record<Kind, number>[] = clients.map(() => ({ spending: 0, participation: 0, progress: 0, agendas: 0, council: 0 }));
    const pull = async (client: Client, kind: Kind) => {
      const answer = (await request(client, `rows ${kind}`, 'GET', `/api/rows/${kind}?since=${since[client.index]![kind]}`)) as { revision: number } | undefined;
      if (answer) since[client.index]![kind] = answer.revision;
    };

    const districtCodes = [...new Set(clients.flatMap((c) => (c.district ? [c.district] : [])))];
    const compareNames = ['summary', 'phases', 'spending', 'participation', 'progress'] as const;
    /** One step of a client, as its role would: mostly syncs for dongs, comparisons for the others. */
    const step = async (client: Client, r: Random) => {
      const x = r();
      if (client.role === 'dong') {
        if (x < 0.42) return syncBatch(client, r, 'spending');
        if (x < 0.84) return syncBatch(client, r, 'participation');
        if (x < 0.88) return request(client, 'meta', 'GET', '/api/meta');
        return pull(client, pick(r, ['spending', 'participation', 'progress'] as const));
      }
      if (client.role === 'district') {
        if (x < 0.5) {
          const name = pick(r, compareNames);
          return request(client, `compare ${name}`, 'GET', `/api/compare/${name}?district=${client.district}`);
        }
        if (x < 0.9) return pull(client, pick(r, ['spending', 'participation', 'progress'] as const));
        return request(client, 'meta', 'GET', '/api/meta');
      }
      // Managers and analysts: the task pane's summary view (summary + phases), and the other
      // comparisons for the whole country, one phase, or one district.
      if (x < 0.3) return request(client, 'compare summary', 'GET', '/api/compare/summary');
      if (x < 0.6) return request(client, 'compare phases', 'GET', '/api/compare/phases');
      if (x < 0.95) {
        const name = pick(r, ['spending', 'participation', 'progress'] as const);
        const y = r();
        const filter = y < 0.4 ? '' : y < 0.7 || districtCodes.length === 0 ? `?phase=${int(r, 1, opts.years)}` : `?district=${pick(r, districtCodes)}`;
        return request(client, `compare ${name}`, 'GET', `/api/compare/${name}${filter}`);
      }
      return request(client, 'meta', 'GET', '/api/meta');
    };

    const loop = async (client: Client) => {
      const r = random(opts.seed * 1000 + client.index);
      // As the task pane opens: the meta, then the rows of its scope.
      if (client.role === 'dong' || client.role === 'district') {
        await request(client, 'meta', 'GET', '/api/meta');
        await pull(client, 'spending');
      }
      while (performance.now() < deadline) {
        const t = performance.now();
        await step(client, r);
        const wait = minInterval - (performance.now() - t);
        if (wait > 0 && performance.now() + wait < deadline) await new Promise((res) => setTimeout(res, wait));
      }
    };
    await Promise.all(clients.map(loop));
    const durationMs = performance.now() - t1;
    const machine = { cores: cpus().length, loadBefore, loadAfter: loadavg()[0]! };
    clearInterval(sampler);
    sample();
    const end = procMemory(pid);
    memory.peakRssMb = end?.hwm ?? null;
    memory.endRssMb = end?.rss ?? null;

    log('stopping the service …');
    const serviceStderr = await stopService(service);
    service = undefined;

    log('checking the acknowledged syncs in the file …');
    const durable = await checkDurable(db, acknowledged, known);
    const { overall, byKind } = recorder.stats();
    return {
      options: opts,
      roles,
      generated,
      durationMs,
      requests: overall.count,
      errors: overall.errors,
      errorCauses: recorder.causes,
      errorSamples: recorder.samples,
      overall,
      byKind,
      sync,
      durable,
      memory,
      serviceStderr,
      machine,
    };
  } finally {
    if (service) await stopService(service).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fifth of the clients read (at least three when there are four or more), the rest sync. */
export const defaultReaders = (clients: number) => (clients >= 4 ? Math.max(3, Math.round(clients * 0.2)) : Math.max(0, clients - 1));

/**
 * One token per client, made on the file before the service opens it: most clients are dong
 * officials, each with a dong of its own spread over the country; a few district officials,
 * managers and analysts.
 */
async function createClients(db: string, count: number, readers: number): Promise<Client[]> {
  if (readers > count) throw new Error(`${readers} readers among ${count} clients`);
  const districts = Math.round(readers * 0.4);
  const managers = Math.ceil((readers - districts) / 2);
  const analysts = readers - districts - managers;
  const dongCount = count - readers;
  const store = await Store.open(db);
  try {
    const dongs = store.reference.reference.dongs.filter((d) => /-d\d+$/.test(d.code));
    if (dongs.length < dongCount) throw new Error(`${dongCount} dong clients need as many generated dongs (found ${dongs.length})`);
    const clients: Client[] = [];
    const add = async (role: Client['role'], extra: { dong?: string; district?: string }) => {
      const created = await store.createToken({ role: role as Role, name: `부하 시험 ${role} ${clients.length + 1}`, ...extra });
      clients.push({ index: clients.length, role, token: created.token, ...extra });
    };
    const spread = Math.max(1, Math.floor(dongs.length / Math.max(1, dongCount)));
    for (let i = 0; i < dongCount; i++) await add('dong', { dong: dongs[i * spread]!.code });
    // District officials of the first dong clients' districts, so their pulls see the new rows.
    for (let i = 0; i < districts; i++) await add('district', { district: dongs[(i % Math.max(1, dongCount)) * spread]!.district });
    for (let i = 0; i < managers; i++) await add('manager', {});
    for (let i = 0; i < analysts; i++) await add('analyst', {});
    return clients;
  } finally {
    store.close();
  }
}

interface Service {
  child: ChildProcess;
  base: string;
  /** What it has written on standard error so far. */
  stderr: () => string;
}

/** glibc's malloc settings as the Dockerfile gives them to the service (a test keeps the two the same). */
export const imageMalloc = { arenas: 2, mmapThreshold: 131072 };

/** The malloc settings the service runs with, as its environment names them (none for a setting of 0). */
function mallocEnv(o: { mallocArenas: number; mmapThreshold: number }): Record<string, string> {
  return {
    ...(o.mallocArenas > 0 ? { MALLOC_ARENA_MAX: String(o.mallocArenas) } : {}),
    ...(o.mmapThreshold > 0 ? { MALLOC_MMAP_THRESHOLD_: String(o.mmapThreshold) } : {}),
  };
}

/** Starts `jachi serve --port 0` and resolves once it prints where it listens. */
function startService(db: string, extra: string[], nodeArgs: string[], malloc: Record<string, string>): Promise<Service> {
  return new Promise((resolve, reject) => {
    const { MALLOC_ARENA_MAX: _arenas, MALLOC_MMAP_THRESHOLD_: _mmap, ...env } = process.env;
    const child = spawn(process.execPath, [...nodeArgs, jachi, 'serve', '--db', db, '--port', '0', '--host', '127.0.0.1', ...extra], {
      cwd: root,
      env: { ...env, ...malloc },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out: string | undefined = '';
    let err = '';
    // Read until it says where it listens; its request log after that is drained, not kept (it is
    // megabytes over a run, and searching it all again at every line cost this process a core's second).
    child.stdout!.on('data', (d: Buffer) => {
      if (out === undefined) return;
      out += d.toString();
      const m = /http:\/\/localhost:(\d+)\/taskpane\.html/.exec(out);
      if (!m) return;
      out = undefined;
      resolve({ child, base: `http://127.0.0.1:${m[1]}`, stderr: () => err });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => reject(new Error(`jachi serve exited (${code}) before listening: ${err}`)));
  });
}

/** SIGTERM, then waits for the exit (the file is free once it has gone); returns its standard error. */
async function stopService(service: Service): Promise<string> {
  const { child } = service;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((res) => child.once('exit', () => res()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  return service.stderr();
}

/**
 * After the service has stopped: every acknowledged batch is recorded, with one audit row per
 * accepted row, and every row a client synced holds the revision its last acknowledged sync gave it.
 */
async function checkDurable(db: string, acknowledged: { batchId: string; rows: number }[], known: Record<'spending' | 'participation', Known>[]): Promise<LoadResult['durable']> {
  const store = await Store.open(db);
  try {
    const read = async (sql: string) => (await store.reader.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    const batches = new Set((await read('SELECT batchId::VARCHAR AS b FROM sync_batches')).map((r) => r.b as string));
    const audit = new Map(
      (await read('SELECT batchId::VARCHAR AS b, count(*) AS n FROM row_audit WHERE batchId IS NOT NULL GROUP BY ALL')).map((r) => [r.b as string, Number(r.n)]),
    );
    let batchesMissing = 0;
    let batchesWithOtherRowCount = 0;
    for (const a of acknowledged) {
      if (!batches.has(a.batchId)) batchesMissing += 1;
      else if ((audit.get(a.batchId) ?? 0) !== a.rows) batchesWithOtherRowCount += 1;
    }
    let rows = 0;
    let rowsMissingOrOtherRevision = 0;
    for (const kind of ['spending', 'participation'] as const) {
      const stored = new Map(
        (await read(`SELECT rowId::VARCHAR AS id, revision FROM ${kind}_rows WHERE batchId IS NOT NULL AND NOT deleted`)).map((r) => [r.id as string, Number(r.revision)]),
      );
      for (const mine of known) {
        for (const [rowId, { revision }] of mine[kind]) {
          rows += 1;
          if (stored.get(rowId) !== revision) rowsMissingOrOtherRevision += 1;
        }
      }
    }
    return { batches: acknowledged.length, batchesMissing, batchesWithOtherRowCount, rows, rowsMissingOrOtherRevision };
  } finally {
    store.close();
  }
}

const msText = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 1 : 0)} ms`);
const mbText = (v: number | null) => (v === null ? 'n/a (no /proc)' : `${Math.round(v)} MB`);

/** The run as the benchmarks print: one line per figure, ✓/✗ against its goal. */
export function printLoad(r: LoadResult): void {
  const o = r.options;
  const rows = Object.values(r.generated.rows).reduce((a, b) => a + b, 0);
  const seconds = r.durationMs / 1000;
  const lines: BenchLine[] = [
    { name: `country: ${o.dongs.toLocaleString('en')} dongs × ${o.years} years, ${rows.toLocaleString('en')} rows; demo generate took`, value: msText(r.generated.ms) },
    {
      name: `service: ${Object.entries(mallocEnv(o))
        .map(([k, v]) => `${k}=${v} `)
        .join('')}DUCKDB_JE_MALLOC_CONF=${process.env.DUCKDB_JE_MALLOC_CONF} node ${[...o.nodeArgs, 'bin/jachi.mjs serve', ...o.serveArgs].join(' ')}`,
      value: '',
    },
    {
      name: `clients: ${o.clients} (${r.roles.dong} dong, ${r.roles.district} district, ${r.roles.manager} manager, ${r.roles.analyst} analyst), ≤ ${o.perClientRate}/s each; ran`,
      value: `${seconds.toFixed(1)} s`,
    },
    { name: 'requests (requests/s)', value: `${r.requests.toLocaleString('en')} (${(r.requests / seconds).toFixed(1)}/s)` },
    {
      name: `errors: non-2xx or network, 429 included${
        r.errors
          ? ` (${Object.entries(r.errorCauses)
              .map(([k, v]) => `${k}: ${v}`)
              .join(', ')})`
          : ''
      }`,
      value: r.errors.toLocaleString('en'),
      goal: '0',
      ok: r.errors === 0,
    },
    { name: `all requests: p50 · p99 · max`, value: `${msText(r.overall.p50)} · ${msText(r.overall.p99)} · ${msText(r.overall.max)}` },
  ];
  for (const k of r.byKind) {
    lines.push({
      name: `${k.kind}: ${k.count.toLocaleString('en')} req${k.errors ? `, ${k.errors} errors` : ''}; p50 · p99 · max`,
      value: `${msText(k.p50)} · ${msText(k.p99)} · ${msText(k.max)}`,
    });
  }
  const notAccepted = Object.values(r.sync.rowsNotAccepted).reduce((a, b) => a + b, 0);
  lines.push({
    name: `sync: ${r.sync.batches.toLocaleString('en')} batches, ${r.sync.inserts.toLocaleString('en')} inserts + ${r.sync.edits.toLocaleString('en')} edits; rows accepted (rows/s)`,
    value: `${r.sync.rowsAccepted.toLocaleString('en')} (${Math.round(r.sync.rowsAccepted / seconds).toLocaleString('en')}/s)`,
  });
  lines.push({
    name: `sync rows not accepted${
      notAccepted
        ? ` (${Object.entries(r.sync.rowsNotAccepted)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')})`
        : ''
    }`,
    value: String(notAccepted),
    goal: '0',
    ok: notAccepted === 0,
  });
  const d = r.durable;
  const lost = d.batchesMissing + d.batchesWithOtherRowCount + d.rowsMissingOrOtherRevision;
  lines.push({
    name: `acknowledged in the file after stop: batches · rows at their revision`,
    value: `${(d.batches - d.batchesMissing - d.batchesWithOtherRowCount).toLocaleString('en')}/${d.batches.toLocaleString('en')} · ${(d.rows - d.rowsMissingOrOtherRevision).toLocaleString('en')}/${d.rows.toLocaleString('en')}`,
    goal: 'all',
    ok: lost === 0,
  });
  const m = r.memory;
  lines.push({ name: 'service RSS: at start · max sampled every 500 ms · at end', value: `${mbText(m.startRssMb)} · ${mbText(m.maxSampledRssMb)} · ${mbText(m.endRssMb)}` });
  // The goal is for the whole country: a smaller one is shown against it, not judged.
  const fullSize = o.dongs >= 3500;
  lines.push({
    name: 'service peak memory (VmHWM, peak RSS)',
    value: mbText(m.peakRssMb),
    goal: fullSize ? '< 500 MB' : '< 500 MB at 3,500 dongs',
    ok: m.peakRssMb === null || !fullSize ? undefined : m.peakRssMb < 500,
  });
  lines.push({ name: `machine: ${r.machine.cores} cores; 1-min load average at start · at end`, value: `${r.machine.loadBefore.toFixed(1)} · ${r.machine.loadAfter.toFixed(1)}` });
  printLines(`Load: ${o.clients} clients × ${o.seconds} s on 127.0.0.1 (issue 7)`, lines);
  if (r.errorSamples.length) console.log(`\n  first errors:\n${r.errorSamples.map((s) => `    ${s}`).join('\n')}`);
  if (r.serviceStderr.trim())
    console.log(
      `\n  service standard error:\n${r.serviceStderr
        .trim()
        .split('\n')
        .slice(0, 20)
        .map((s) => `    ${s}`)
        .join('\n')}`,
    );
}
