// Arrow IPC (Accept: application/vnd.apache.arrow.stream) into plain rows. apache-arrow is imported
// on first use, so it is its own chunk and the pane's first load does not carry it.
import type { ValueKind } from './ui/format.ts';

export interface DecodedColumn {
  name: string;
  /** What the Arrow type says about the column (dates and timestamps matter for Excel formats). */
  kind: ValueKind;
}

export interface Decoded {
  columns: DecodedColumn[];
  /** Row-major values: numbers (BIGINT as number), strings, booleans, dates as YYYY-MM-DD, timestamps as ISO, null. */
  rows: unknown[][];
}

const pad = (n: number) => String(n).padStart(2, '0');
const isoDate = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

export async function decodeArrow(bytes: ArrayBuffer | Uint8Array): Promise<Decoded> {
  const { tableFromIPC, DataType } = await import('apache-arrow');
  const table = tableFromIPC(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  const fields = table.schema.fields;
  const columns: DecodedColumn[] = fields.map((f) => ({
    name: f.name,
    kind: DataType.isDate(f.type)
      ? 'date'
      : DataType.isTimestamp(f.type)
        ? 'datetime'
        : DataType.isInt(f.type) || DataType.isFloat(f.type) || DataType.isDecimal(f.type)
          ? 'count'
          : 'text',
  }));
  const converters = columns.map((c) => (value: unknown): unknown => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'bigint') return Number(value);
    if (c.kind === 'date') return isoDate(value instanceof Date ? value.getTime() : Number(value));
    if (c.kind === 'datetime') return new Date(value instanceof Date ? value.getTime() : Number(value)).toISOString();
    if (typeof value === 'object' && value !== null && 'toString' in value && !(value instanceof Date)) return String(value);
    return value;
  });
  const vectors = fields.map((_, i) => table.getChildAt(i));
  const rows: unknown[][] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const row = new Array<unknown>(fields.length);
    for (let c = 0; c < fields.length; c++) row[c] = converters[c]!(vectors[c]?.get(r));
    rows[r] = row;
  }
  return { columns, rows };
}
