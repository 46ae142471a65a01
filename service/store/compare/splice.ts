/**
 * A comparison whose every row rests on one dong's rows (compare/index.ts `perDong`) answers in
 * JSON as DuckDB's writer lays an array out — `[\n\t{row},\n\t{row}\n]\n`, one row a line, ordered by
 * district and dong first — so each dong's rows are one run of bytes. After a change, only the
 * changed dongs' rows are asked of DuckDB, and the answer is the kept one with those runs replaced,
 * in the same order and the same bytes as the whole answer written afresh. The summary, whose rows
 * rest on whole cities (its groups and flags are a city's) and are ordered by city first, is made so
 * by city.
 *
 * Pure functions over bytes: no DuckDB here.
 */

/**
 * Where each unit's rows (a dong's, or a city's) lie in an answer's bytes, in the answer's order:
 * the `{` of its first row (`starts`) to the `}` of its last (`ends`), and the group the answer
 * orders it within (a dong's district; none for a city). Kept as columns, not an object a unit: a
 * country's answer has 3,500 dongs, and an answer brought up to date under constant syncs made them
 * afresh several times a second (under `npm run load`, an eighth of what the service allocated).
 */
export interface UnitBlocks {
  /** The keys its rows were read by (the same read the fresh rows when it is spliced). */
  keys: BlockKeys;
  units: string[];
  groups: (string | null)[];
  starts: Int32Array;
  ends: Int32Array;
  rows: Int32Array;
}

/** The keys a row names its unit and its group by (a JSON key with its colon). */
export interface BlockKeys {
  unit: Buffer;
  group?: Buffer;
}

/** A per-dong comparison's blocks: by dong, within its district. */
export const dongKeys: BlockKeys = { unit: Buffer.from('"dong":'), group: Buffer.from('"district":') };
/** The summary's blocks: by city. */
export const cityKeys: BlockKeys = { unit: Buffer.from('"city":') };

const newline = 0x0a;
const tab = 0x09;
const brace = 0x7b;
const comma = 0x2c;
const quote = 0x22;
const backslash = 0x5c;

/**
 * The text value of `key` in the row between `from` and `to` (a top-level key: in JSON text, a
 * quote inside a string is always escaped, so `"key":` with bare quotes is a key), null for a JSON
 * null, undefined when the row has no such key.
 */
export function keyValue(bytes: Buffer, key: Buffer, from: number, to: number): string | null | undefined {
  const at = bytes.indexOf(key, from);
  if (at < 0 || at >= to) return undefined;
  const v = at + key.length;
  if (bytes[v] !== quote) return bytes.toString('latin1', v, v + 4) === 'null' ? null : undefined;
  let i = v + 1;
  let escaped = false;
  for (; i < to; i++) {
    const c = bytes[i]!;
    if (c === backslash) {
      escaped = true;
      i++;
    } else if (c === quote) break;
  }
  if (i >= to) return undefined;
  const text = bytes.subarray(v, i + 1);
  return escaped ? (JSON.parse(text.toString('utf8')) as string) : text.toString('utf8', 1, text.length - 1);
}

/**
 * The unit blocks (by `keys`) of a JSON array as DuckDB writes it, lying in `bytes` from `from` to
 * `to`; undefined when the bytes are not laid out so, a row names no unit, or a unit's rows are not
 * all together.
 */
export function unitBlocks(bytes: Buffer, from: number, to: number, keys: BlockKeys): UnitBlocks | undefined {
  const units: string[] = [];
  const groups: (string | null)[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const rows: number[] = [];
  const seen = new Set<string>();
  let line = bytes.indexOf(newline, from) + 1;
  if (line <= 0) return undefined;
  while (line < to) {
    let end = bytes.indexOf(newline, line);
    if (end < 0 || end > to) end = to;
    if (bytes[line] === tab && bytes[line + 1] === brace) {
      const rowStart = line + 1;
      const rowEnd = bytes[end - 1] === comma ? end - 1 : end;
      const unit = keyValue(bytes, keys.unit, rowStart, rowEnd);
      const group = keys.group ? keyValue(bytes, keys.group, rowStart, rowEnd) : null;
      if (typeof unit !== 'string' || group === undefined) return undefined;
      const last = units.length - 1;
      if (last >= 0 && units[last] === unit) {
        ends[last] = rowEnd;
        rows[last]! += 1;
      } else {
        if (seen.has(unit)) return undefined;
        seen.add(unit);
        units.push(unit);
        groups.push(group);
        starts.push(rowStart);
        ends.push(rowEnd);
        rows.push(1);
      }
    }
    line = end + 1;
  }
  return { keys, units, groups, starts: Int32Array.from(starts), ends: Int32Array.from(ends), rows: Int32Array.from(rows) };
}

/** Text as DuckDB orders VARCHAR: by its UTF-8 bytes. */
function textOrder(a: string, b: string): number {
  if (/^[\u0000-\u007f]*$/.test(a) && /^[\u0000-\u007f]*$/.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** The answers' order of units (block `i` of `a` against block `j` of `b`): group (nulls last), then unit. */
function blockOrder(a: UnitBlocks, i: number, b: UnitBlocks, j: number): number {
  const da = a.groups[i]!;
  const db = b.groups[j]!;
  if (da !== db) {
    if (da === null) return 1;
    if (db === null) return -1;
    return textOrder(da, db);
  }
  return textOrder(a.units[i]!, b.units[j]!);
}

const open = Buffer.from('[\n\t');
const between = Buffer.from(',\n\t');
const close = Buffer.from('\n]\n');
const empty = Buffer.from('[\n\t\n]\n');

/** An answer's bytes and where its units' rows lie in them. */
export interface Spliced {
  body: Buffer;
  rows: number;
  blocks: UnitBlocks;
}

/**
 * The kept answer (`old`, its blocks in `oldBlocks`, read by their keys) with the rows of every unit in
 * `changed` replaced by their rows now (`fresh`, a JSON array as DuckDB writes it, holding those
 * units' rows only), between `head` and `tail` as the whole answer has them. The kept units between
 * two changed ones lie together in `old` (with the same `,\n\t` between them) and are copied in one move.
 */
export function splice(old: Buffer, oldBlocks: UnitBlocks, changed: ReadonlySet<string>, fresh: Buffer, head: Buffer, tail: Buffer): Spliced | undefined {
  const { keys } = oldBlocks;
  const added = unitBlocks(fresh, 0, fresh.length, keys);
  if (!added || added.units.some((unit) => !changed.has(unit))) return undefined;
  // The answer's blocks in order: a kept block as its index in `old` (≥ 0), an added one as -1 - its index.
  const order: number[] = [];
  const n = oldBlocks.units.length;
  let i = 0;
  const skipChanged = () => {
    while (i < n && changed.has(oldBlocks.units[i]!)) i++;
  };
  skipChanged();
  for (let j = 0; j < added.units.length; j++) {
    for (; i < n && blockOrder(oldBlocks, i, added, j) < 0; skipChanged()) order.push(i++);
    order.push(-1 - j);
  }
  for (; i < n; skipChanged()) order.push(i++);

  const count = order.length;
  const span = (k: number) => (k >= 0 ? oldBlocks.ends[k]! - oldBlocks.starts[k]! : added.ends[-1 - k]! - added.starts[-1 - k]!);
  let size = head.length + tail.length + (count === 0 ? empty.length : open.length + close.length + between.length * (count - 1));
  for (const k of order) size += span(k);
  const body = Buffer.allocUnsafe(size);
  const blocks: UnitBlocks = {
    keys,
    units: new Array<string>(count),
    groups: new Array<string | null>(count),
    starts: new Int32Array(count),
    ends: new Int32Array(count),
    rows: new Int32Array(count),
  };
  let rows = 0;
  /** Block `q` of the answer is block `k` of `from`, moved by `shift` bytes. */
  const place = (q: number, from: UnitBlocks, k: number, shift: number) => {
    blocks.units[q] = from.units[k]!;
    blocks.groups[q] = from.groups[k]!;
    blocks.starts[q] = from.starts[k]! + shift;
    blocks.ends[q] = from.ends[k]! + shift;
    blocks.rows[q] = from.rows[k]!;
    rows += from.rows[k]!;
  };
  let at = head.copy(body, 0);
  if (count === 0) at += empty.copy(body, at);
  else {
    at += open.copy(body, at);
    for (let q = 0; q < count; ) {
      if (q > 0) at += between.copy(body, at);
      const k = order[q]!;
      if (k < 0) {
        const j = -1 - k;
        place(q++, added, j, at - added.starts[j]!);
        at += fresh.copy(body, at, added.starts[j], added.ends[j]);
        continue;
      }
      // A run of kept blocks next to each other in `old`: one copy.
      let last = q;
      while (last + 1 < count && order[last + 1] === order[last]! + 1) last++;
      const shift = at - oldBlocks.starts[k]!;
      for (let r = q; r <= last; r++) place(r, oldBlocks, order[r]!, shift);
      at += old.copy(body, at, oldBlocks.starts[k], oldBlocks.ends[order[last]!]);
      q = last + 1;
    }
    at += close.copy(body, at);
  }
  tail.copy(body, at);
  return { body, rows, blocks };
}
