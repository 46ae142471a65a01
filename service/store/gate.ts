/**
 * At most `size` holders at once; the others wait their turn, first come first served. A finishing
 * holder hands its place straight to the longest waiter, so a newcomer never jumps the queue. A
 * waiter whose `signal` aborts (its request ran out of time) leaves the queue without running.
 */
export class Gate {
  private running = 0;
  private readonly waiting: { admit: () => void }[] = [];

  constructor(private readonly size: number) {}

  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.running < this.size) this.running += 1;
    else await this.wait(signal);
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next.admit();
      else this.running -= 1;
    }
  }

  /** Resolves once a holder hands over its place; rejects, leaving the queue, if `signal` aborts. */
  private wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = {
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
      this.waiting.push(waiter);
    });
  }
}
