// A workbook stand-in for the sync tests: a table of rows, an engine, and the glue the UI provides
// (write ids back, apply table writes).
import {
  createSyncEngine,
  memoryStore,
  type PullOptions,
  type Kind,
  type LocalRow,
  type RowValues,
  type SyncEngine,
  type SyncReport,
  type SyncStateStore,
  type SyncTransport,
  type TableWrite,
} from '../../addin/sync/index.ts';

export class TestClient {
  readonly table: LocalRow[] = [];
  readonly engine: SyncEngine;

  constructor(
    readonly transport: SyncTransport,
    readonly store: SyncStateStore = memoryStore(),
    newId: () => string = () => crypto.randomUUID(),
    readonly kind: Kind = 'participation',
  ) {
    this.engine = createSyncEngine({ transport, store, newId });
  }

  add(values: RowValues): number {
    this.table.push({ rowId: null, values });
    return this.table.length - 1;
  }

  async sync(): Promise<SyncReport> {
    const report = await this.engine.sync(this.kind, this.snapshot(), {
      writeIds: async (writes) => {
        for (const w of writes) this.table[w.index]!.rowId = w.rowId;
      },
    });
    return report;
  }

  async pull(options?: PullOptions) {
    const report = await this.engine.pull(this.kind, this.snapshot(), options);
    this.apply(report.tableWrites);
    return report;
  }

  apply(writes: readonly TableWrite[]): void {
    for (const w of writes) {
      const at = this.table.findIndex((r) => r.rowId === w.rowId);
      if (w.type === 'remove') {
        if (at >= 0) this.table.splice(at, 1);
      } else if (at >= 0) {
        this.table[at]!.values = structuredClone(w.values);
      } else {
        this.table.push({ rowId: w.rowId, values: structuredClone(w.values) });
      }
    }
  }

  /** The table as read from Excel: fresh objects each time. */
  snapshot(): LocalRow[] {
    return this.table.map((r) => ({ rowId: r.rowId, values: structuredClone(r.values), ...(r.errors ? { errors: r.errors } : {}) }));
  }

  byId(rowId: string): LocalRow | undefined {
    return this.table.find((r) => r.rowId === rowId);
  }

  /** Live rows by id (rows without an id yet are left out). */
  values(): Map<string, RowValues> {
    const out = new Map<string, RowValues>();
    for (const r of this.table) if (r.rowId) out.set(r.rowId, r.values);
    return out;
  }
}
