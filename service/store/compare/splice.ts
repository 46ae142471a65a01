/**
 * A comparison whose every row rests on one dong's rows (compare/index.ts `perDong`) answers in
 * JSON as DuckDB's writer lays an array out — `[\n\t{row},\n\t{row}\n]\n`, one row a line, ordered by
 * district and dong first — so each dong's rows are one run of bytes. After a change, only the
 * changed dongs' rows are asked of DuckDB, and the answer is the kept one with those runs replaced,
 * in the same order and the same bytes as the whole answer written afresh.
 *
 * Pure functions over bytes: no DuckDB here.
 */

/** One dong's rows in an answer's bytes: from the `{` of its first row to the `}` of its last. */
export interface DongBlock {
  district: string | null;
  dong: string;
  start: number;
  end: number;
  rows: number;
}

const newline = 0x0a;
const tab = 0x09;
const brace = 0x7b;
const comma = 0x2c;
const quote = 0x22;
const backslash = 0x5c;

const districtKey = Buffer.from('"district":');
const dongKey = Buffer.from('"dong":');

/**
 * The text value of `key` in the row between `from` and `to` (a top-level key: in JSON text, a
 * quote inside a string is always escaped, so `"key":` with bare quotes is a key), null for a JSON
 * null, undefined when the row has no such key.
 */
function keyValue(bytes: Buffer, key: Buffer, from: number, to: number): string | null | undefined {
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
 * The dong blocks of a JSON array as DuckDB writes it, lying in `bytes` from `from` to `to`; undefined
 * when the bytes are not laid out so, a row names no dong, or a dong's rows are not all together.
 */
export function dongBlocks(bytes: Buffer, from: number, to: number): DongBlock[] | undefined {
  const blocks: DongBlock[] = [];
  const seen = new Set<string>();
  let line = bytes.indexOf(newline, from) + 1;
  if (line <= 0) return undefined;
  while (line < to) {
    let end = bytes.indexOf(newline, line);
    if (end < 0 || end > to) end = to;
    if (bytes[line] === tab && bytes[line + 1] === brace) {
      const rowStart = line + 1;
      const rowEnd = bytes[end - 1] === comma ? end - 1 : end;
      const dong = keyValue(bytes, dongKey, rowStart, rowEnd);
      const district = keyValue(bytes, districtKey, rowStart, rowEnd);
      if (typeof dong !== 'string' || district === undefined) return undefined;
      const last = blocks.at(-1);
      if (last && last.dong === dong) {
        last.end = rowEnd;
        last.rows++;
      } else {
        if (seen.has(dong)) return undefined;
        seen.add(dong);
        blocks.push({ district, dong, start: rowStart, end: rowEnd, rows: 1 });
      }
    }
    line = end + 1;
  }
  return blocks;
}

/** Text as DuckDB orders VARCHAR: by its UTF-8 bytes. */
function textOrder(a: string, b: string): number {
  if (/^[\u0000-\u007f]*$/.test(a) && /^[\u0000-\u007f]*$/.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** The answers' order of dongs: district (nulls last), then dong. */
function blockOrder(a: DongBlock, b: DongBlock): number {
  if (a.district !== b.district) {
    if (a.district === null) return 1;
    if (b.district === null) return -1;
    return textOrder(a.district, b.district);
  }
  return textOrder(a.dong, b.dong);
}

const open = Buffer.from('[\n\t');
const between = Buffer.from(',\n\t');
const close = Buffer.from('\n]\n');
const empty = Buffer.from('[\n\t\n]\n');

/** An answer's bytes and where its dongs' rows lie in them. */
export interface Spliced {
  body: Buffer;
  rows: number;
  blocks: DongBlock[];
}

/**
 * The kept answer (`old`, its blocks in `oldBlocks`) with the rows of every dong in `changed`
 * replaced by their rows now (`fresh`, a JSON array as DuckDB writes it, holding those dongs' rows
 * only), between `head` and `tail` as the whole answer has them.
 */
export function splice(old: Buffer, oldBlocks: DongBlock[], changed: ReadonlySet<string>, fresh: Buffer, head: Buffer, tail: Buffer): Spliced | undefined {
  const added = dongBlocks(fresh, 0, fresh.length);
  if (!added) return undefined;
  const kept = oldBlocks.filter((b) => !changed.has(b.dong));
  const parts: { source: Buffer; block: DongBlock }[] = [];
  let i = 0;
  for (const block of added) {
    if (!changed.has(block.dong)) return undefined;
    while (i < kept.length && blockOrder(kept[i]!, block) < 0) parts.push({ source: old, block: kept[i++]! });
    parts.push({ source: fresh, block });
  }
  while (i < kept.length) parts.push({ source: old, block: kept[i++]! });

  let size = head.length + tail.length + (parts.length === 0 ? empty.length : open.length + close.length + between.length * (parts.length - 1));
  for (const { block } of parts) size += block.end - block.start;
  const body = Buffer.allocUnsafe(size);
  let at = head.copy(body, 0);
  const blocks: DongBlock[] = [];
  let rows = 0;
  if (parts.length === 0) at += empty.copy(body, at);
  else {
    at += open.copy(body, at);
    parts.forEach(({ source, block }, k) => {
      if (k > 0) at += between.copy(body, at);
      const start = at;
      at += source.copy(body, at, block.start, block.end);
      blocks.push({ ...block, start, end: at });
      rows += block.rows;
    });
    at += close.copy(body, at);
  }
  tail.copy(body, at);
  return { body, rows, blocks };
}
