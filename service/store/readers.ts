import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { Gate } from './gate.ts';
import { readKept } from './statements.ts';

export type SqlParams = Record<string, string | number | boolean | null>;

/**
 * The readers' room: read connections borrowed from a small pool (concurrent requests never share
 * one), and the heavy-read gate. Reads that scan whole tables (comparisons, drill-downs, a city's
 * pulls, exports) run as many at a time as DuckDB has threads: however many readers ask at once, they
 * wait their turn here rather than crowd DuckDB's threads and the thread pool its statements run on
 * (libuv's four: two scans, a small one and the writer's statement). Measured under `npm run load`
 * on two cores (docs/performance-history.md, "Load"): with one place, comparisons waited behind each other (p99 1.2–1.5 s)
 * while syncs had room to spare (p99 0.6 s); with two, both under a second. A dong's or a district's
 * pull, and a per-dong comparison brought up to date, when the heavy places are taken, take turns at
 * a small gate of their own beside them.
 */
export class Readers {
  private readonly heavy: Gate;
  /** Small scans (a dong's or a district's pull, a per-dong answer brought up to date) one at a time, beside the heavy ones rather than behind them. */
  private readonly small = new Gate(1);
  private readonly idle: DuckDBConnection[] = [];
  /**
   * The heavy reads' own connections (no more than the gate lets run at once), kept open: a
   * comparison's kept totals (compare/kept.ts) live on its connection and are brought up to date
   * there, not summed anew on whichever connection another read left.
   */
  private readonly heavyIdle: DuckDBConnection[] = [];
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    threads: number,
  ) {
    this.heavy = new Gate(threads);
  }

  /** Runs `work` on a read connection of its own (pooled). */
  with<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.lend(this.idle, 4, work);
  }

  /** Runs `work` on a connection of `pool` (a new one when none is idle), kept there afterwards while it holds fewer than `keep`. */
  private async lend<T>(pool: DuckDBConnection[], keep: number, work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = pool.pop() ?? (await this.instance.connect());
    try {
      return await work(connection);
    } finally {
      if (!this.closed && pool.length < keep) pool.push(connection);
      else connection.closeSync();
    }
  }

  /** `with` for a read that scans whole tables: waits its turn at the heavy-read gate. */
  scan<T>(work: (connection: DuckDBConnection) => Promise<T>, signal?: AbortSignal): Promise<T> {
    // Never more of them than the gate lets run at once.
    return this.heavy.run(() => this.lend(this.heavyIdle, Number.POSITIVE_INFINITY, work), signal);
  }

  /**
   * `with` for a read that scans a table for a few rows (a dong's pull): at a free place of the
   * heavy-read gate when there is one, else one at a time at a gate of its own, so it never waits
   * behind a country's comparison. At most one such read runs beside the heavy ones: for those few
   * milliseconds the writer shares its core. `ahead`: before the small reads that are not (a
   * comparison brought up to date goes before the pulls queued there; measured under `npm run load`,
   * docs/performance-history.md, "Load": behind them it waited 0.4–0.9 s for its turn).
   */
  smallScan<T>(work: (connection: DuckDBConnection) => Promise<T>, signal?: AbortSignal, ahead = false): Promise<T> {
    return (this.heavy.hasRoom ? this.heavy : this.small).run(() => this.with(work), signal, undefined, ahead);
  }

  /** Scans running and waiting at the heavy-read gate. */
  get heavyLoad(): { running: number; waiting: number } {
    return this.heavy.load;
  }

  /** The rows of one statement as plain objects, on `connection` or a pooled reader. */
  async rows(sql: string, params?: SqlParams, connection?: DuckDBConnection): Promise<Record<string, unknown>[]> {
    const read = async (c: DuckDBConnection) => (await (params ? readKept(c, sql, params) : c.runAndReadAll(sql))).getRowObjectsJS() as Record<string, unknown>[];
    return connection ? read(connection) : this.with(read);
  }

  close(): void {
    this.closed = true;
    for (const c of [...this.idle.splice(0), ...this.heavyIdle.splice(0)]) c.closeSync();
  }
}
