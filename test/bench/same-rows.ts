/**
 * Whether two engines gave the same answer: the same columns, the same rows (told apart by key
 * columns, so ties an ORDER BY leaves open do not count as a difference), text equal, booleans
 * equal to SQLite's 1 and 0, numbers equal within 1e-9 (relative to the value above 1).
 */
export interface RowsCheck {
  same: boolean;
  rows: number;
  columns: number;
  /** Whether the rows also came in the same order. */
  sameOrder: boolean;
  /** What differs, one line each (capped). */
  problems: string[];
}

const TOLERANCE = 1e-9;
const MAX_PROBLEMS = 50;

const normal = (v: unknown): unknown => (typeof v === 'boolean' ? Number(v) : typeof v === 'bigint' ? Number(v) : v === undefined ? null : v);

export function sameValue(a: unknown, b: unknown): boolean {
  const x = normal(a);
  const y = normal(b);
  if (x === null || y === null) return x === y;
  if (typeof x === 'number' && typeof y === 'number') return x === y || Math.abs(x - y) <= TOLERANCE * Math.max(1, Math.abs(x), Math.abs(y));
  if (typeof x === 'number' && typeof y === 'string') return Number(y) === x;
  if (typeof x === 'string' && typeof y === 'number') return Number(x) === y;
  return x === y;
}

const keyOf = (row: Record<string, unknown>, keys: readonly string[]) => JSON.stringify(keys.map((k) => normal(row[k])));
const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/**
 * `columns` are the first answer's columns in order (DuckDB's); `a` its rows, `b` the other
 * engine's. Both are sorted by `keys` before rows are compared.
 */
export function sameRows(columns: readonly string[], a: readonly Record<string, unknown>[], b: readonly Record<string, unknown>[], keys: readonly string[]): RowsCheck {
  const problems: string[] = [];
  const note = (p: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const other = b.length > 0 ? Object.keys(b[0]!) : [...columns];
  if (other.join(',') !== columns.join(',')) {
    const missing = columns.filter((c) => !other.includes(c));
    const extra = other.filter((c) => !columns.includes(c));
    note(
      `columns differ: DuckDB [${columns.join(', ')}], SQLite [${other.join(', ')}]${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; extra ${extra.join(', ')}` : ''}`,
    );
  }
  if (a.length !== b.length) note(`row counts differ: DuckDB ${a.length}, SQLite ${b.length}`);
  let sameOrder = a.length === b.length;
  for (let i = 0; sameOrder && i < a.length; i++) if (keyOf(a[i]!, keys) !== keyOf(b[i]!, keys)) sameOrder = false;

  const index = (rows: readonly Record<string, unknown>[], engine: string) => {
    const byKey = new Map<string, Record<string, unknown>>();
    for (const row of rows) {
      const key = keyOf(row, keys);
      if (byKey.has(key)) note(`${engine}: two rows with key ${keys.join(', ')} = ${key}`);
      byKey.set(key, row);
    }
    return byKey;
  };
  const left = index(a, 'DuckDB');
  const right = index(b, 'SQLite');
  for (const [key, row] of left) {
    const peer = right.get(key);
    if (!peer) {
      note(`only in DuckDB: ${keys.join(', ')} = ${key}`);
      continue;
    }
    for (const c of columns) {
      if (!sameValue(row[c], peer[c])) note(`${keys.join(', ')} = ${key}: ${c} is ${show(row[c])} in DuckDB, ${show(peer[c])} in SQLite`);
    }
  }
  for (const key of right.keys()) if (!left.has(key)) note(`only in SQLite: ${keys.join(', ')} = ${key}`);
  return { same: problems.length === 0, rows: a.length, columns: columns.length, sameOrder, problems };
}
