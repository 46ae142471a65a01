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
 * watching costs nothing while nothing changes) and, when it moves, tells every listener which units
 * of which kinds changed in between: as the writer told it at each commit (`committed`: the units of
 * the versions written and of those they replace, so the dong a row left is told too), or, where a
 * commit was not told, read once from the rows. It runs only while someone listens.
 */
export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  /** What each open stream does when the service stops (`end`). */
  private readonly enders = new Set<() => void>();
  private ended = false;
  private timer: NodeJS.Timeout | undefined;
  private seen = 0;
  private reading = false;
  /** The units the writer told since `seen`, while every commit since was told (up to `upTo`). */
  private told: { upTo: number; units: Map<Kind, Set<string>> } | undefined;

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
    this.told = undefined;
  }

  /**
   * What a commit changed, as the writer knows it, over the revisions (after, upTo]: kept for the
   * next tick while it follows on from what is known, so a tick under constant syncs reads nothing;
   * a commit that does not follow on is left for that tick to read.
   */
  committed(after: number, upTo: number, units: ReadonlyMap<Kind, ReadonlySet<string>>): void {
    if (this.listeners.size === 0 || this.reading) return;
    const told = this.told ?? { upTo: this.seen, units: new Map<Kind, Set<string>>() };
    if (told.upTo !== after) {
      this.told = undefined;
      return;
    }
    for (const [kind, changed] of units) {
      const ofKind = told.units.get(kind);
      if (ofKind) for (const unit of changed) ofKind.add(unit);
      else told.units.set(kind, new Set(changed));
    }
    told.upTo = upTo;
    this.told = told;
  }

  private async poll(): Promise<void> {
    const now = this.revision();
    if (now <= this.seen || this.reading) return;
    const told = this.told;
    this.told = undefined;
    if (told?.upTo === now) {
      this.seen = now;
      for (const listener of this.listeners) listener({ revision: now, units: told.units });
      return;
    }
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
