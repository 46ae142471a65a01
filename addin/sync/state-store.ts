// Where the sync view keeps what must outlive the pane: the engine's state (per workbook and kind),
// the tables it syncs and the rows it marked. IndexedDB in the pane's own origin, keyed by a workbook
// id kept in the workbook's own settings (Office.context.document.settings), so a copy of the file
// sent to a colleague starts its own history. Without IndexedDB (private modes) it lasts the session.
import { kinds, type Kind } from '../../domain/sheets.ts';
import { documentSettings, saveSettings, workbookUrl } from '../excel/document.ts';
import type { KindState, SyncState, SyncStateStore } from './index.ts';
import type { TableScope } from './scope.ts';

const dbName = 'jachi-ledger';
const storeName = 'sync';
const idSetting = 'jachiLedger.workbookId';
const tablesSetting = 'jachiLedger.tables';

/** A key-value store; IndexedDB when the browser has it, memory otherwise. */
export interface KeyValue {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

export function memoryKeyValue(): KeyValue {
  const map = new Map<string, string>();
  return {
    async get<T>(key: string) {
      const text = map.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as T);
    },
    async set(key, value) {
      map.set(key, JSON.stringify(value));
    },
  };
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** IndexedDB, or memory when it cannot be opened. */
export async function openKeyValue(): Promise<KeyValue> {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) return memoryKeyValue();
  let db: IDBDatabase;
  try {
    const open = idb.open(dbName, 1);
    open.onupgradeneeded = () => {
      if (!open.result.objectStoreNames.contains(storeName)) open.result.createObjectStore(storeName);
    };
    db = await request(open);
  } catch {
    return memoryKeyValue();
  }
  return {
    async get<T>(key: string) {
      const tx = db.transaction(storeName, 'readonly');
      return (await request(tx.objectStore(storeName).get(key))) as T | undefined;
    },
    async set(key, value) {
      const tx = db.transaction(storeName, 'readwrite');
      tx.objectStore(storeName).put(value, key);
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
        tx.onabort = () => reject(tx.error ?? new Error('IndexedDB write aborted'));
      });
    },
  };
}

/** The engine's state, one record per workbook and kind. */
export function syncStateStore(kv: KeyValue, workbookId: string): SyncStateStore {
  const key = (kind: Kind) => `${workbookId}:state:${kind}`;
  return {
    async load() {
      const state: SyncState = { version: 1, kinds: {} };
      let any = false;
      for (const kind of kinds) {
        const ks = await kv.get<KindState>(key(kind));
        if (ks) {
          state.kinds[kind] = ks;
          any = true;
        }
      }
      return any ? state : undefined;
    },
    async save(state) {
      for (const kind of kinds) {
        const ks = state.kinds[kind];
        if (ks) await kv.set(key(kind), ks);
      }
    },
  };
}

/**
 * The table a kind syncs with, as the official adopted it: the money unit declared above its header,
 * the headers mapped by hand and the rows it owns. Kept in the workbook's settings, so it travels
 * with the file and every later sync reads the table the same way.
 */
export interface TableBinding {
  table: string;
  /** e.g. 천원, from a title row that stayed outside the table when the range was adopted. */
  unit?: string;
  /** Headers the official mapped by hand in the adopt dialog: header → field, or 무시 (the normaliser's HeaderMap). */
  map?: Record<string, string>;
  /** The rows the table owns; absent: every row the token sees fits (a template inserted empty). */
  scope?: TableScope;
}

export type TableBindings = Partial<Record<Kind, TableBinding>>;

/** What the sync view keeps for one workbook. */
export interface WorkbookMemory {
  workbookId: string;
  engineStore: SyncStateStore;
  tables(): Promise<TableBindings>;
  setTable(kind: Kind, binding: TableBinding): Promise<void>;
  /** Row ids that carry a mark of ours, so a later sync can clear them. */
  marked(kind: Kind): Promise<string[]>;
  setMarked(kind: Kind, rowIds: readonly string[]): Promise<void>;
}

/** The workbook's id from its settings (created on first use), or its URL, or a default. */
export async function workbookId(newId: () => string = () => globalThis.crypto.randomUUID()): Promise<string> {
  const settings = documentSettings();
  if (settings) {
    const known = settings.get(idSetting);
    if (typeof known === 'string' && known !== '') return known;
    const id = newId();
    settings.set(idSetting, id);
    await saveSettings(settings);
    return id;
  }
  const url = workbookUrl();
  return url ? `url:${url}` : 'default';
}

export async function workbookMemory(kv?: KeyValue): Promise<WorkbookMemory> {
  const store = kv ?? (await openKeyValue());
  const id = await workbookId();
  const settings = documentSettings();
  const tablesKey = `${id}:tables`;
  const tables = async (): Promise<TableBindings> => {
    const fromSettings = settings?.get(tablesSetting);
    if (fromSettings && typeof fromSettings === 'object') return fromSettings as TableBindings;
    return (await store.get<TableBindings>(tablesKey)) ?? {};
  };
  return {
    workbookId: id,
    engineStore: syncStateStore(store, id),
    tables,
    async setTable(kind, binding) {
      const next = { ...(await tables()), [kind]: binding };
      await store.set(tablesKey, next);
      if (settings) {
        settings.set(tablesSetting, next);
        await saveSettings(settings);
      }
    },
    async marked(kind) {
      return (await store.get<string[]>(`${id}:marked:${kind}`)) ?? [];
    },
    async setMarked(kind, rowIds) {
      await store.set(`${id}:marked:${kind}`, [...rowIds]);
    },
  };
}
