import type { DuckDBConnection } from '@duckdb/node-api';
import { StoreError } from './errors.ts';

/** Quiet time of the writer after which the WAL is checkpointed. */
const idleCheckpointMs = 1000;

/**
 * The writer's room: the one connection that writes, and the queue in front of it, so only one
 * write transaction runs at a time. Checkpoints run when the writer is idle for a second, not in the
 * middle of a burst of syncs.
 */
export class Writer {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private checkpointTimer?: NodeJS.Timeout;

  constructor(readonly connection: DuckDBConnection) {}

  /** Runs `work` alone on the writer connection, after every write queued before it. */
  enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Sends BEGIN now and resolves once the transaction has begun: a caller with work to do before
   * writing (a group being decided) starts it first, so BEGIN's round trip to DuckDB's thread
   * overlaps that work. Hand it to `transaction`, or to `abandon` should nothing be written.
   */
  begin(): Promise<void> {
    const begun = this.connection.run('BEGIN TRANSACTION').then(() => undefined);
    // Heard by `transaction` or `abandon`, whichever the caller hands it to.
    begun.catch(() => undefined);
    return begun;
  }

  /** Rolls back a transaction `begin` started that is not to be written after all. */
  async abandon(begun: Promise<void>): Promise<void> {
    try {
      await begun;
      await this.connection.run('ROLLBACK');
    } catch {
      // Not begun, or already gone: nothing of it is stored either way.
    }
  }

  /**
   * BEGIN (or the one `begin` sent) … COMMIT on the writer; any error rolls back explicitly and
   * fails the whole batch.
   */
  async transaction(work: (conn: DuckDBConnection) => Promise<void>, begun: Promise<void> = this.begin()): Promise<void> {
    try {
      await begun;
      await work(this.connection);
      await this.connection.run('COMMIT');
    } catch (error) {
      try {
        await this.connection.run('ROLLBACK');
      } catch {
        // The transaction may already be gone; the batch has failed either way.
      }
      if (error instanceof StoreError) throw error;
      throw new StoreError('batch_failed', (error as Error).message);
    }
  }

  /**
   * Writes the WAL into the database file once the writer has had no work for a second, instead of
   * in the middle of a burst of syncs. A checkpoint that cannot run now (reads in progress) is tried
   * again a second later.
   */
  checkpointSoon(): void {
    clearTimeout(this.checkpointTimer);
    this.checkpointTimer = setTimeout(() => {
      if (this.closed) return;
      this.enqueue(async () => {
        if (!this.closed) await this.connection.run('CHECKPOINT');
      }).catch(() => this.checkpointSoon());
    }, idleCheckpointMs);
    this.checkpointTimer.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.checkpointTimer);
    this.connection.closeSync();
  }
}
