import { kinds, type Kind } from '../../domain/index.ts';

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
 * of which kinds changed in between, as the comparisons learn it (`changedSince`: compare/changed.ts,
 * told by the writer at each commit, the dong a row left included, and reading the rows only for a
 * commit it was not told of). It runs only while someone listens.
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
    /** The units of `kind` changed in (after, upTo], a set of the caller's own; undefined while that is not known. */
    private readonly changedSince: (kind: Kind, after: number, upTo: number) => Promise<Set<string> | undefined>,
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
      const units = new Map<Kind, Set<string>>();
      for (const kind of kinds) {
        const changed = await this.changedSince(kind, this.seen, now);
        // Not known now (a read failed): the next tick asks about the same span again.
        if (changed === undefined) return;
        if (changed.size > 0) units.set(kind, changed);
      }
      this.seen = now;
      for (const listener of this.listeners) listener({ revision: now, units });
    } catch {
      // The store is closing: the next tick tries the same span again.
    } finally {
      this.reading = false;
    }
  }
}
