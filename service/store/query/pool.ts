/**
 * The sandbox's children, kept warm: at most `size` child processes (./worker.mjs), each answering
 * one request at a time and reused across queries, so a query costs what DuckDB takes, not a
 * process start. A child that overruns its time limit, is cancelled, crashes or grows past its
 * memory bound is killed and a fresh one started in its place, which opens the latest snapshot
 * ahead of the next query. The pool knows which snapshot each child holds open, so old snapshots
 * are removed only once no child uses them. `close()` kills every child; a child also exits on its
 * own when the service's process goes (its IPC channel closes).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const workerPath = join(dirname(fileURLToPath(import.meta.url)), 'worker.mjs');

/** What a child is asked: a query, or (without `sql`) to open a snapshot ahead of one. */
export interface SandboxRequest {
  snapshotPath: string;
  sql?: string;
  limit: number;
  maxBytes: number;
  timeoutMs: number;
  memoryLimit: string;
}

/** A child's answer, in DuckDB's JSON forms (column-major `data`). */
export interface WorkerAnswer {
  ok: boolean;
  code?: string;
  detail?: string;
  columns?: { name: string; type: string }[];
  data?: unknown[][];
  truncated?: boolean;
}

/** Why the pool gave up on a request: the child was stopped or died. */
export class SandboxStop extends Error {
  constructor(
    readonly reason: 'timeout' | 'cancelled' | 'sandbox_failed',
    readonly detail?: string,
    /** The child was gone before the request reached it. */
    readonly undelivered = false,
  ) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = 'SandboxStop';
  }
}

interface Child {
  process: ChildProcess;
  /** The snapshot the child holds open (as it last said). */
  snapshot: string | undefined;
  /** The request it is answering. */
  busy: { id: number; snapshotPath: string; settle: (answer: WorkerAnswer | SandboxStop) => void } | undefined;
  /** Taken by a request that has not been sent yet. */
  claimed: boolean;
  /** It has answered once: a child that dies before that is not started again unasked (no crash loop). */
  answered: boolean;
  stderr: string;
  lastUsed: number;
}

export interface SandboxPoolOptions {
  /** Children at most (the gate in front admits as many queries at once). */
  size: number;
  /** The children's working folder (the snapshots' folder). */
  cwd: string;
  /** A child whose resident memory passes this after an answer is replaced: default 1 GB. */
  maxRssBytes?: number;
  /** A child idle this long is stopped (started again on demand): default 10 minutes. */
  idleMs?: number;
  /** Extra time after a request's limit before its child is killed: default 1 s. */
  graceMs?: number;
  /** Called whenever a child lets go of a snapshot (it opened another, or it ended). */
  onRelease?: () => void;
}

export class SandboxPool {
  private readonly children: Child[] = [];
  private readonly waiting: (() => void)[] = [];
  private nextId = 1;
  private closed = false;
  private started = 0;
  private answered = 0;
  /** The snapshot a fresh child opens ahead of its first query. */
  private latest: { snapshotPath: string; memoryLimit: string } | undefined;
  private readonly idleTimer: NodeJS.Timeout;

  constructor(private readonly options: SandboxPoolOptions) {
    const idleMs = options.idleMs ?? 600_000;
    this.idleTimer = setInterval(() => this.stopIdle(idleMs), Math.min(idleMs, 60_000));
    this.idleTimer.unref();
  }

  /** Children started so far, the live children's process ids, and requests answered. */
  get stats(): { started: number; pids: number[]; answered: number } {
    return { started: this.started, pids: this.children.map((c) => c.process.pid!).filter(Boolean), answered: this.answered };
  }

  /** True while a child holds `path` open or answers a request over it. */
  uses(path: string): boolean {
    return this.children.some((c) => c.snapshot === path || c.busy?.snapshotPath === path);
  }

  /**
   * Runs one request on a warm child (waiting for one when all are busy). Rejects with SandboxStop
   * when the request overruns `timeoutMs` plus the grace, `signal` aborts, or the child dies; that
   * child is then killed and replaced.
   */
  async run(request: SandboxRequest, signal?: AbortSignal): Promise<WorkerAnswer> {
    this.latest ??= { snapshotPath: request.snapshotPath, memoryLimit: request.memoryLimit };
    for (let attempt = 1; ; attempt++) {
      const child = await this.acquire(signal);
      try {
        const answer = await this.send(child, request, signal);
        if (answer.code === 'timeout') this.replace(child);
        return answer;
      } catch (error) {
        // A child that died while idle (killed from outside) never saw the request: once more on a fresh one.
        if (!(error instanceof SandboxStop && error.undelivered) || attempt > 1) throw error;
      }
    }
  }

  /**
   * Starts a child now when there is none, so its start (~0.4 s: a process, Node and DuckDB) runs
   * while the caller makes the snapshot its query needs rather than after.
   */
  prestart(): void {
    if (!this.closed && this.children.length === 0) this.spawn();
  }

  /** Has idle children open `snapshotPath` now, so the next query finds it open. */
  warm(snapshotPath: string, memoryLimit: string): void {
    this.latest = { snapshotPath, memoryLimit };
    for (const child of this.children) {
      if (!child.busy && !child.claimed && child.snapshot !== snapshotPath) void this.send(child, this.openRequest()).catch(() => undefined);
    }
  }

  /** Kills every child; requests in flight are cancelled. */
  close(): void {
    this.closed = true;
    clearInterval(this.idleTimer);
    for (const child of this.children.splice(0)) this.kill(child, new SandboxStop('cancelled'));
    for (const wake of this.waiting.splice(0)) wake();
  }

  private openRequest(): SandboxRequest {
    return { ...this.latest!, limit: 1, maxBytes: 0, timeoutMs: 60_000 };
  }

  private async acquire(signal?: AbortSignal): Promise<Child> {
    for (;;) {
      if (this.closed) throw new SandboxStop('cancelled');
      signal?.throwIfAborted();
      // An idle child that holds the latest snapshot, else any idle child, else a new one.
      for (const gone of this.children.filter((c) => !c.process.connected)) this.lost(gone, new SandboxStop('sandbox_failed', 'gone'));
      const idle = this.children.filter((c) => !c.busy && !c.claimed);
      const child = idle.find((c) => c.snapshot === this.latest?.snapshotPath) ?? idle[0] ?? (this.children.length < this.options.size ? this.spawn() : undefined);
      if (child) {
        child.claimed = true;
        return child;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal?.removeEventListener('abort', wake);
          const at = this.waiting.indexOf(wake);
          if (at >= 0) this.waiting.splice(at, 1);
          resolve();
        };
        signal?.addEventListener('abort', wake, { once: true });
        this.waiting.push(wake);
      });
    }
  }

  private spawn(): Child {
    const process = fork(workerPath, [], {
      // No secrets of the service's environment reach the child; its heap is bounded too.
      env: {},
      cwd: this.options.cwd,
      execArgv: ['--max-old-space-size=768'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const child: Child = { process, snapshot: undefined, busy: undefined, claimed: false, answered: false, stderr: '', lastUsed: Date.now() };
    this.started += 1;
    this.children.push(child);
    process.stderr?.on('data', (d: Buffer) => {
      if (child.stderr.length < 4000) child.stderr += d.toString();
    });
    process.on('message', (message: WorkerAnswer & { id: number; snapshot?: string; rss?: number }) => {
      const busy = child.busy;
      if (!busy || message.id !== busy.id) return;
      child.busy = undefined;
      child.answered = true;
      child.lastUsed = Date.now();
      const released = child.snapshot !== undefined && child.snapshot !== message.snapshot;
      child.snapshot = message.snapshot;
      this.answered += 1;
      const { id: _id, snapshot: _snapshot, rss, ...answer } = message;
      busy.settle(answer);
      if ((rss ?? 0) > (this.options.maxRssBytes ?? 1024 ** 3)) this.replace(child);
      else this.wakeOne();
      if (released) this.options.onRelease?.();
    });
    process.once('error', (error) => this.lost(child, new SandboxStop('sandbox_failed', error.message.split('\n')[0])));
    process.once('exit', (code, signal) => this.lost(child, new SandboxStop('sandbox_failed', `exit ${code ?? signal} ${child.stderr.split('\n')[0] ?? ''}`.trim())));
    return child;
  }

  private send(child: Child, request: SandboxRequest, signal?: AbortSignal): Promise<WorkerAnswer> {
    const id = this.nextId++;
    return new Promise<WorkerAnswer>((resolve, reject) => {
      const killer = setTimeout(() => this.replace(child, new SandboxStop('timeout')), request.timeoutMs + (this.options.graceMs ?? 1_000));
      const cancel = () => this.replace(child, new SandboxStop('cancelled'));
      signal?.addEventListener('abort', cancel, { once: true });
      child.claimed = false;
      child.busy = {
        id,
        snapshotPath: request.snapshotPath,
        settle: (outcome) => {
          clearTimeout(killer);
          signal?.removeEventListener('abort', cancel);
          if (outcome instanceof SandboxStop) reject(outcome);
          else resolve(outcome);
        },
      };
      child.process.send({ ...request, id }, (error) => {
        if (error) this.replace(child, new SandboxStop('sandbox_failed', error.message, true));
      });
      if (signal?.aborted) cancel();
    });
  }

  /** Kills `child` (its request, if any, settles with `stop`) and starts a warm one in its place. */
  private replace(child: Child, stop = new SandboxStop('sandbox_failed', 'replaced')): void {
    if (!this.children.includes(child)) return;
    this.forget(child);
    this.kill(child, stop);
    if (!this.closed && this.latest && child.answered) void this.send(this.spawn(), this.openRequest()).catch(() => undefined);
    this.wakeOne();
  }

  /** A child that ended on its own (crash, memory): its request fails, a fresh one takes its place. */
  private lost(child: Child, stop: SandboxStop): void {
    if (!this.children.includes(child)) return;
    this.replace(child, stop);
  }

  private kill(child: Child, stop: SandboxStop): void {
    const busy = child.busy;
    child.busy = undefined;
    child.snapshot = undefined;
    child.process.kill('SIGKILL');
    busy?.settle(stop);
    this.options.onRelease?.();
  }

  private forget(child: Child): void {
    const at = this.children.indexOf(child);
    if (at >= 0) this.children.splice(at, 1);
  }

  private wakeOne(): void {
    this.waiting.shift()?.();
  }

  private stopIdle(idleMs: number): void {
    const now = Date.now();
    for (const child of [...this.children]) {
      if (!child.busy && !child.claimed && now - child.lastUsed > idleMs) {
        this.forget(child);
        this.kill(child, new SandboxStop('cancelled'));
      }
    }
  }
}
