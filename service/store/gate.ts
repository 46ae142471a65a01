/**
 * At most `size` holders at once; the others wait their turn, first come first served. A finishing
 * holder hands its place straight to the longest waiter, so a newcomer never jumps the queue. A
 * waiter whose `signal` aborts (its request ran out of time, or its client left) leaves the queue
 * without running. Work run `ahead` waits before all work that is not (first come first served
 * among its own), for work others wait on with a deadline while the rest can take its time.
 *
 * With `perKey`, one key (a token) holds at most that many places at once: its further work waits
 * while others' goes ahead, so one caller cannot take every place.
 */
export class Gate {
  private running = 0;
  private readonly waiting: { key: string | undefined; ahead: boolean; admit: () => void }[] = [];
  private readonly held = new Map<string, number>();

  constructor(
    private readonly size: number,
    private readonly perKey = size,
  ) {}

  async run<T>(work: () => Promise<T>, signal?: AbortSignal, key?: string, ahead = false): Promise<T> {
    signal?.throwIfAborted();
    if (this.running < this.size && this.mayHold(key)) this.take(key);
    else await this.wait(signal, key, ahead);
    try {
      return await work();
    } finally {
      this.release(key);
    }
  }

  /** Whether work without a key would start at once (a place free, no one waiting). */
  get hasRoom(): boolean {
    return this.running < this.size && this.waiting.length === 0;
  }

  /** Places held and work waiting (what a caller would queue behind). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private mayHold(key: string | undefined): boolean {
    return key === undefined || (this.held.get(key) ?? 0) < this.perKey;
  }

  private take(key: string | undefined): void {
    this.running += 1;
    if (key !== undefined) this.held.set(key, (this.held.get(key) ?? 0) + 1);
  }

  /** Gives the place back, then admits the longest waiters that may hold one, as places allow. */
  private release(key: string | undefined): void {
    this.running -= 1;
    if (key !== undefined) {
      const left = (this.held.get(key) ?? 1) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    }
    while (this.running < this.size) {
      const at = this.waiting.findIndex((w) => this.mayHold(w.key));
      if (at < 0) return;
      const [next] = this.waiting.splice(at, 1);
      this.take(next!.key);
      next!.admit();
    }
  }

  /** Resolves once a place is handed over; rejects, leaving the queue, if `signal` aborts. */
  private wait(signal: AbortSignal | undefined, key: string | undefined, ahead: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        key,
        ahead,
        admit: () => {
          signal?.removeEventListener('abort', leave);
          resolve();
        },
      };
      const leave = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', leave, { once: true });
      // Behind the last waiter that goes ahead, when this one does too.
      const at = ahead ? this.waiting.findIndex((w) => !w.ahead) : -1;
      if (at < 0) this.waiting.push(waiter);
      else this.waiting.splice(at, 0, waiter);
    });
  }
}
