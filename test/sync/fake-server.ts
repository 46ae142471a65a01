// An in-memory stand-in for the service's sync contract (README, "Sync"): per-row revisions
// from one global counter, conflicts on a stale baseRevision, tombstones, idempotent batchIds.
// The real service is tested on its own; this one lets the engine be tested without it.
import type { BatchStatus, Kind, PullAnswer, RowResult, RowValues, ServerRow, SyncAnswer, SyncBody, SyncTransport } from '../../addin/sync/index.ts';
import { maxBatchRows, sameValues } from '../../addin/sync/index.ts';

export class NetworkError extends Error {
  constructor(message = 'network down') {
    super(message);
    this.name = 'NetworkError';
  }
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`${status} ${code}`);
  }
}

/** Decides, per push, whether the request is lost on the way in, the answer lost on the way out, or neither. */
export type Weather = 'ok' | 'down' | 'lost';

export class FakeServer {
  revision = 0;
  private readonly tables = new Map<Kind, Map<string, ServerRow>>();
  private readonly batches = new Map<string, { body: string; answer: SyncAnswer }>();
  /** Every body that reached the service, replays included. */
  readonly received: SyncBody[] = [];
  /** Bodies processed for the first time (not replays), and their answers. */
  readonly processed: SyncBody[] = [];
  readonly answers: SyncAnswer[] = [];
  readonly senders: string[] = [];

  table(kind: Kind): Map<string, ServerRow> {
    let t = this.tables.get(kind);
    if (!t) {
      t = new Map();
      this.tables.set(kind, t);
    }
    return t;
  }

  /** Live rows' values by rowId. */
  live(kind: Kind): Map<string, RowValues> {
    const out = new Map<string, RowValues>();
    for (const row of this.table(kind).values()) if (!row.deleted) out.set(row.rowId, row.values);
    return out;
  }

  push(kind: Kind, body: SyncBody, who = 'client'): SyncAnswer {
    const text = JSON.stringify(body);
    this.received.push(JSON.parse(text) as SyncBody);
    const stored = this.batches.get(body.batchId);
    if (stored) {
      if (stored.body !== text) throw new HttpError(422, 'batch_reused');
      return structuredClone(stored.answer);
    }
    if (body.rows.length + body.deletes.length > maxBatchRows) throw new HttpError(413, 'batch_too_large');
    const ids = [...body.rows.map((r) => r.rowId), ...body.deletes.map((d) => d.rowId)];
    if (new Set(ids).size !== ids.length) throw new HttpError(400, 'duplicate_row');
    this.processed.push(JSON.parse(text) as SyncBody);
    this.senders.push(who);
    const table = this.table(kind);
    const results: RowResult[] = [];
    const stamp = (rowId: string, values: RowValues, deleted: boolean): ServerRow => {
      const row: ServerRow = { rowId, revision: ++this.revision, deleted, values, updatedBy: who, updatedAt: '2020-01-01T00:00:00Z', source: null };
      table.set(rowId, row);
      return row;
    };
    for (const { rowId, baseRevision, values } of body.rows) {
      const participants = values.participants;
      if (typeof participants === 'number' && participants < 0) {
        results.push({
          rowId,
          status: 'rejected',
          errors: [{ field: 'participants', code: 'negative', message: { ko: '참여인원: 음수일 수 없습니다.', en: 'Participants: cannot be negative.' } }],
        });
        continue;
      }
      if (values.dong === '금지동') {
        results.push({
          rowId,
          status: 'forbidden',
          errors: [{ field: 'dong', code: 'forbidden_dong', message: { ko: '동: 권한이 없습니다.', en: 'Dong: not allowed.' } }],
        });
        continue;
      }
      const existing = table.get(rowId);
      const current = existing ? structuredClone(existing) : undefined;
      if (!existing) {
        if (baseRevision !== null) throw new Error(`fake server: unknown row ${rowId} sent with base ${baseRevision}`);
        results.push({ rowId, status: 'accepted', revision: stamp(rowId, values, false).revision });
      } else if (existing.revision !== baseRevision) {
        results.push({ rowId, status: 'conflict', revision: existing.revision, server: current });
      } else if (!existing.deleted && sameValues(existing.values, values)) {
        results.push({ rowId, status: 'unchanged', revision: existing.revision });
      } else {
        results.push({ rowId, status: 'accepted', revision: stamp(rowId, values, false).revision });
      }
    }
    for (const { rowId, baseRevision } of body.deletes) {
      const existing = table.get(rowId);
      if (!existing || existing.deleted) {
        results.push({ rowId, status: 'unchanged', revision: existing?.revision });
      } else if (existing.revision !== baseRevision) {
        results.push({ rowId, status: 'conflict', revision: existing.revision, server: structuredClone(existing) });
      } else {
        results.push({ rowId, status: 'accepted', revision: stamp(rowId, existing.values, true).revision });
      }
    }
    const answer: SyncAnswer = { batchId: body.batchId, revision: this.revision, results };
    this.batches.set(body.batchId, { body: text, answer: structuredClone(answer) });
    this.answers.push(structuredClone(answer));
    return answer;
  }

  pull(kind: Kind, since: number): PullAnswer {
    const rows = [...this.table(kind).values()].filter((r) => r.revision > since).sort((a, b) => a.revision - b.revision);
    return { revision: this.revision, rows: structuredClone(rows) };
  }

  /** GET /api/batches/:batchId: applied with the stored answer, or unknown (this stand-in has no queue). */
  status(batchId: string): BatchStatus {
    const stored = this.batches.get(batchId);
    return stored
      ? { batchId, status: 'applied', kind: 'participation', storedAt: '2020-01-01T00:00:00Z', answer: structuredClone(stored.answer) }
      : { batchId, status: 'unknown' };
  }

  /**
   * A transport for one client; `weather` is asked before each push and pull. With `askStatus`, it
   * also answers GET /api/batches (under the same weather), so the engine asks before resending.
   */
  transport(who = 'client', weather: () => Weather = () => 'ok', options: { askStatus?: boolean } = {}): SyncTransport & { pushes: number; statusAsked: number } {
    const transport = {
      pushes: 0,
      statusAsked: 0,
      ...(options.askStatus
        ? {
            status: async (batchId: string) => {
              transport.statusAsked++;
              if (weather() === 'down') throw new NetworkError();
              return this.status(batchId);
            },
          }
        : {}),
      push: async (kind: Kind, body: SyncBody) => {
        transport.pushes++;
        const w = weather();
        if (w === 'down') throw new NetworkError();
        const answer = this.push(kind, structuredClone(body), who);
        if (w === 'lost') throw new NetworkError('answer lost');
        return answer;
      },
      pull: async (kind: Kind, since: number) => {
        if (weather() === 'down') throw new NetworkError();
        return this.pull(kind, since);
      },
    };
    return transport;
  }
}

/** Sequential ids that look like UUIDs, for stable tests. */
export function idSequence(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}-${String(++n).padStart(6, '0')}`;
}
