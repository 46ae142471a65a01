import { kinds, type Kind } from '../../domain/index.ts';
import type { Readers } from './readers.ts';
import { rowsTable } from './sql.ts';

/** What one or more committed batches changed: the revision reached, and the units (dong, district or city codes) per kind. */
export interface Change {
  revision: number;
  units: Map<Kind, Set<string>>;
}

export type ChangeListener = (change: Change) => void;

/**
 * The changes room: tells listeners (the open panes, through `GET /api/events`) what each commit
 * changed, within `intervalMs` of it. It watches the published revision (a number in memory, so
 * watching costs nothing while nothing changes) and, when it moves, reads once for every listener
 * which units of which kinds have versions in between. It runs only while someone listens.
 */
export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  /** What each open stream does when the service stops (`end`). */
  private readonly enders = new Set<() => void>();
  private ended = false;
  private timer: NodeJS.Timeout | undefined;
  private seen = 0;
  private reading = false;

  constructor(
    private readonly revision: () => number,
    private readonly readers: Readers,
    private readonly intervalMs = 250,
  ) {}

  /**
   * Calls `listener` after every change from now on, and `ended` (once) should the service stop
   * first (`end`); the answer stops both.
   */
  subscribe(listener: ChangeListener, ended?: () => void): () => void {
    if (this.listeners.size === 0) {
      this.seen = this.revision();
      this.timer = setInterval(() => void this.poll(), this.intervalMs);
      this.timer.unref();
    }
    this.listeners.add(listener);
    // A stream that opens while the service is stopping ends at once.
    if (ended && this.ended) queueMicrotask(ended);
    else if (ended) this.enders.add(ended);
    return () => {
      this.listeners.delete(listener);
      if (ended) this.enders.delete(ended);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** The service is stopping: every open stream is told to end (a pane reconnects to the next service). */
  end(): void {
    this.ended = true;
    for (const ended of [...this.enders]) ended();
    this.enders.clear();
  }

  get listening(): number {
    return this.listeners.size;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    const now = this.revision();
    if (now <= this.seen || this.reading) return;
    this.reading = true;
    try {
      const units = await this.changedUnits(this.seen, now);
      this.seen = now;
      for (const listener of this.listeners) listener({ revision: now, units });
    } catch {
      // The store is closing, or a read failed: the next tick tries the same span again.
    } finally {
      this.reading = false;
    }
  }

  /** The units of each kind with a version (or tombstone) in (after, upTo]. */
  private async changedUnits(after: number, upTo: number): Promise<Map<Kind, Set<string>>> {
    const sql = kinds.map((kind) => `SELECT DISTINCT '${kind}' AS kind, dong FROM ${rowsTable(kind)} WHERE revision > $after AND revision <= $upTo`).join('\nUNION ALL\n');
    const rows = await this.readers.rows(sql, { after, upTo });
    const units = new Map<Kind, Set<string>>();
    for (const { kind, dong } of rows as { kind: Kind; dong: string }[]) {
      if (!units.has(kind)) units.set(kind, new Set());
      units.get(kind)!.add(dong);
    }
    return units;
  }
}
