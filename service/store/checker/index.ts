import { Worker } from 'node:worker_threads';
import type { Kind } from '../../../domain/index.ts';
import type { JsonLimits } from '../../http/json-scan.ts';
import type { Actor } from '../auth.ts';
import { StoreError } from '../errors.ts';
import type { References } from '../references.ts';
import { checkedBatch, readSyncBody, type BodyRefusal, type CheckedBatch, type SyncBatchInput } from './batch.ts';
import type { CheckReply, CheckRequest } from './messages.ts';

export { checkSyncBody, checkedBatch, readSyncBody, type BodyRefusal, type CheckedBatch, type CheckedBlock, type LineKeys, type SyncBatchInput } from './batch.ts';

const workerUrl = new URL('./worker.mjs', import.meta.url);

/**
 * The smallest sync body sent to the checker's thread (128 KB, ~400 spending rows): a smaller one is
 * read and checked on the service's thread in less time than the hop takes, and a service that only
 * gets small batches never starts the thread (its heap is ~40 MB of the service's memory).
 */
export const checkerBytes = 128 * 1024;

/** The checker thread's own heap cap: a 16 MB body of the largest batch parses and checks in far less. */
const checkerHeapMb = 192;

/** A sync body checked off the service's thread: its rows, its fingerprint, and the body as sent should it be needed again. */
export interface PreparedBatch extends CheckedBatch {
  fingerprint: string;
  /** The reference version its rows were checked against (`References.version`). */
  referenceVersion: number;
  /** The body as sent, parsed again on demand (a batch whose reference changed before it was decided is checked again from it). */
  sent: () => SyncBatchInput;
}

/**
 * The sync checker: reads a sync body and runs the rules on its rows in a worker thread of its own,
 * so the service's thread only routes, decides against the stored rows and writes (README,
 * "Architecture"). One thread, started by the first large body (`Store.syncBody`) and answering in
 * the order asked; it is sent the reference whenever the reference changed. Should it fail or end, the bodies it held fail
 * with it and the next body starts another.
 */
export class BatchChecker {
  private worker?: Worker;
  /** The reference version the worker holds (-1: none). */
  private workerVersion = -1;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (reply: CheckReply) => void; reject: (error: Error) => void }>();
  private closed = false;
  /** Resolves once the thread has loaded the rules (its first message). */
  private ready?: Promise<void>;
  private loaded = false;

  constructor(private readonly references: References) {}

  /** Reads and checks `bytes` as a sync batch of `kind` for `actor`: the batch prepared, or why the body is refused. */
  async check(kind: Kind, bytes: Uint8Array, limits: Omit<JsonLimits, 'maxBytes'>, actor: Actor): Promise<PreparedBatch | BodyRefusal> {
    if (this.closed) throw new StoreError('batch_failed', 'the sync checker is closed');
    const version = this.references.version;
    const request: CheckRequest = { id: this.nextId++, kind, bytes, limits, city: actor.city };
    if (this.workerVersion !== version) {
      request.reference = { version, data: this.references.index.reference };
      this.workerVersion = version;
    }
    const reply = await this.ask(request);
    if ('error' in reply) throw new StoreError('batch_failed', `the sync checker failed: ${reply.error}`);
    if ('refusal' in reply) return reply.refusal;
    let sent: SyncBatchInput | undefined;
    return {
      ...checkedBatch(kind, reply.checked.columns),
      fingerprint: reply.checked.fingerprint,
      referenceVersion: reply.version,
      sent: () => (sent ??= (readSyncBody(bytes, limits) as { batch: SyncBatchInput }).batch),
    };
  }

  /** Whether its thread is running (started by a large body, or by `start`). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Whether its thread has loaded the rules and takes bodies at once. */
  get isReady(): boolean {
    return this.worker !== undefined && this.loaded;
  }

  /** Starts the thread ahead of the first large body; resolves once it is ready. */
  start(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.started();
    return this.ready!;
  }

  private ask(request: CheckRequest): Promise<CheckReply> {
    const worker = this.started();
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject });
      // The body is copied, not moved: the service keeps it should the batch need reading again.
      worker.postMessage(request);
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerUrl, { resourceLimits: { maxOldGenerationSizeMb: checkerHeapMb }, stdout: false, stderr: false });
    // The service's process may end with the checker idle.
    worker.unref();
    let isReady: () => void = () => undefined;
    this.loaded = false;
    this.ready = new Promise((resolve) => (isReady = resolve));
    worker.on('message', (reply: CheckReply | 'ready') => {
      if (reply === 'ready') {
        this.loaded = true;
        return isReady();
      }
      const asked = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      asked?.resolve(reply);
    });
    const fail = (error: Error) => {
      isReady();
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.workerVersion = -1;
      const waiting = [...this.waiting.values()];
      this.waiting.clear();
      for (const asked of waiting) asked.reject(error);
    };
    // Nothing of the bodies it held was queued: they fail as a batch that stored nothing (503, resend).
    worker.on('error', (error) => fail(new StoreError('batch_failed', `the sync checker's thread failed: ${error.message}`)));
    worker.on('exit', (code) => fail(new StoreError('batch_failed', `the sync checker's thread ended (${code})`)));
    this.worker = worker;
    return worker;
  }

  /** Ends the checker's thread; bodies still waiting fail. */
  close(): void {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    void worker.terminate();
  }
}
