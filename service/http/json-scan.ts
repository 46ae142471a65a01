// The byte scan of a JSON body: the limits counted over its raw UTF-8 and whether it is its
// canonical text. Only Node's own imports: the sync checker's worker thread (service/store/checker)
// runs it too.
import { isUtf8 } from 'node:buffer';

/**
 * What one JSON body may hold. Checked over the raw text before `JSON.parse`, so a body of millions
 * of empty objects is refused without building one of them.
 */
export interface JsonLimits {
  /** Bytes of the body (413 beyond). */
  maxBytes: number;
  /** Nesting of arrays and objects (422 beyond). */
  maxDepth: number;
  /** Elements of one array or keys of one object (422 beyond). */
  maxItems: number;
  /** Values in the whole body: every string (keys too), number, literal, array and object (422 beyond). */
  maxValues: number;
  /** Characters of one string, as written in the body, escapes included (413 beyond). */
  maxStringLength: number;
}

export type JsonProblem = { kind: 'depth' | 'items' | 'values'; limit: number } | { kind: 'string'; limit: number } | { kind: 'syntax' };

const quote = 0x22;
const backslash = 0x5c;
const isSpace = (ch: number) => ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09;
const isDelimiter = (ch: number) => ch === 0x2c || ch === 0x5d || ch === 0x7d || ch === 0x3a || isSpace(ch);

/** What a scan of a JSON body found: the first limit it goes over, and whether its bytes are its canonical text. */
export interface JsonScan {
  problem: JsonProblem | null;
  /**
   * The bytes are the text `JSON.stringify` would write for the value they hold: no whitespace
   * between tokens, no byte-order mark, valid UTF-8, no `\u` or `\/` escape, and every number a
   * whole number of at most 15 digits written plainly. A sync batch's fingerprint is then of the
   * bytes themselves (service/store/sync.ts `batchFingerprint`); otherwise of `JSON.stringify`'s text.
   */
  compact: boolean;
}

const digit0 = 0x30;
const digit9 = 0x39;
const minus = 0x2d;

/**
 * The bytes of a JSON text read from `at`: the string starting there (`string`) or the number or
 * literal (`token`), each leaving `at` on its last byte. A string's length is counted as the
 * decoder will give it in UTF-16 units (WHATWG's UTF-8 decoder: a broken sequence is one U+FFFD per
 * its bytes as it defines them, a character of four bytes two units), escapes counted as written.
 */
class ByteReader {
  at = 0;
  /** Cleared by anything that makes the bytes other than `JSON.stringify`'s text. */
  canonical = true;
  /** `utf8`: the bytes are valid UTF-8 (node:buffer's `isUtf8`, a native check of the whole body). */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly utf8: boolean,
  ) {}

  /**
   * Whether the string whose opening quote is at `at` is longer than `limit`, `at` left on its
   * closing quote (or the end). In valid UTF-8, a string without escapes ends at the next quote
   * and has no more UTF-16 units than bytes: only its end is looked for (most of a sync body is
   * such strings). Any other string is read again character by character.
   */
  stringOver(limit: number): boolean {
    if (this.utf8) {
      const bytes = this.bytes;
      const n = bytes.length;
      const from = this.at + 1;
      let i = from;
      while (i < n) {
        const c = bytes[i]!;
        if (c === quote || c === backslash) break;
        i++;
      }
      if (i < n && bytes[i] === quote && i - from <= limit) {
        this.at = i;
        return false;
      }
    }
    return this.string() > limit;
  }

  /** The string whose opening quote is at `at`: its length, `at` left on its closing quote (or the end). */
  private string(): number {
    const bytes = this.bytes;
    const n = bytes.length;
    let length = 0;
    let needed = 0;
    let seen = 0;
    let lower = 0x80;
    let upper = 0xbf;
    let i = this.at + 1;
    for (; i < n; i++) {
      const c = bytes[i]!;
      if (needed === 0) {
        if (c === quote) break;
        // Well-formed two- and three-byte characters (Hangul among them) at once: one unit each.
        if (c >= 0xc2 && c !== 0xe0 && c !== 0xed && c < 0xf0 && i + 2 < n) {
          const three = c >= 0xe0;
          if ((bytes[i + 1]! & 0xc0) === 0x80 && (!three || (bytes[i + 2]! & 0xc0) === 0x80)) {
            length++;
            i += three ? 2 : 1;
            continue;
          }
        }
        if (c < 0x80) {
          length++;
          if (c === backslash) {
            const next = bytes[i + 1];
            if (next === 0x75 || next === 0x2f) this.canonical = false; // \u, \/
            i++;
            length++;
          }
        } else if (c >= 0xc2 && c <= 0xdf) needed = 1;
        else if (c >= 0xe0 && c <= 0xef) {
          if (c === 0xe0) lower = 0xa0;
          if (c === 0xed) upper = 0x9f;
          needed = 2;
        } else if (c >= 0xf0 && c <= 0xf4) {
          if (c === 0xf0) lower = 0x90;
          if (c === 0xf4) upper = 0x8f;
          needed = 3;
        } else {
          length++;
          this.canonical = false;
        }
        continue;
      }
      if (c < lower || c > upper) {
        // A broken sequence: one U+FFFD, and this byte read again on its own.
        needed = seen = 0;
        lower = 0x80;
        upper = 0xbf;
        length++;
        this.canonical = false;
        i--;
        continue;
      }
      lower = 0x80;
      upper = 0xbf;
      if (++seen === needed) {
        length += needed === 3 ? 2 : 1;
        needed = seen = 0;
      }
    }
    if (needed > 0) {
      length++;
      this.canonical = false;
    }
    this.at = i;
    return length;
  }

  /** A number or a literal from `at`, up to the next delimiter. */
  token(): void {
    const bytes = this.bytes;
    const n = bytes.length;
    const first = bytes[this.at]!;
    const number = first === minus || (first >= digit0 && first <= digit9);
    let digits = 0;
    let plain = true;
    for (let i = this.at; ; i++) {
      const c = bytes[i]!;
      if (c >= digit0 && c <= digit9) digits++;
      else if (!(c === minus && i === this.at)) plain = false;
      if (i + 1 >= n || isDelimiter(bytes[i + 1]!)) {
        // -0, fractions, exponents and long numbers are written otherwise by JSON.stringify.
        if (number && (!plain || digits > 15 || (first === minus && bytes[this.at + 1] === digit0))) this.canonical = false;
        this.at = i;
        return;
      }
    }
  }
}

/**
 * Walks the UTF-8 bytes of a JSON value once, counting nesting, the items of each array and
 * object, all values and each string's length (in UTF-16 units, as JavaScript counts), and stops
 * at the first one over its limit. `problem` is null when the body stays within `limits` (it may
 * still be invalid JSON: `JSON.parse` judges that after). The structure is ASCII, and no byte of a
 * multi-byte character is below 0x80, so the bytes are read as they came, never decoded.
 */
export function scanJson(bytes: Uint8Array, limits: Omit<JsonLimits, 'maxBytes'>): JsonScan {
  // items[d]: commas seen at depth d (the open container's items − 1).
  const items = new Int32Array(limits.maxDepth + 2);
  const { maxDepth, maxItems, maxValues, maxStringLength } = limits;
  let depth = 0;
  let values = 0;
  const reader = new ByteReader(bytes, isUtf8(bytes));
  const n = bytes.length;
  const fail = (problem: JsonProblem): JsonScan => ({ problem, compact: false });
  // A byte-order mark before the value is not part of it (the decoder drops it too).
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (start > 0) reader.canonical = false;
  for (let i = start; i < n; i++) {
    const ch = bytes[i]!;
    if (ch === 0x3a) continue;
    if (isSpace(ch)) {
      reader.canonical = false;
      continue;
    }
    if (ch === 0x2c) {
      if (depth === 0) return fail({ kind: 'syntax' });
      // n commas: n + 1 items
      if (++items[depth]! + 1 > maxItems) return fail({ kind: 'items', limit: maxItems });
      continue;
    }
    if (ch === 0x5d || ch === 0x7d) {
      if (--depth < 0) return fail({ kind: 'syntax' });
      continue;
    }
    if (++values > maxValues) return fail({ kind: 'values', limit: maxValues });
    if (ch === 0x5b || ch === 0x7b) {
      if (++depth > maxDepth) return fail({ kind: 'depth', limit: maxDepth });
      items[depth] = 0;
      continue;
    }
    reader.at = i;
    if (ch === quote) {
      if (reader.stringOver(maxStringLength)) return fail({ kind: 'string', limit: maxStringLength });
    } else reader.token();
    i = reader.at;
  }
  return { problem: null, compact: reader.canonical };
}

/** UTF-8 as `Request.text()` reads it: a byte-order mark dropped, a broken sequence as U+FFFD. */
const utf8 = new TextDecoder();

/**
 * A JSON body's bytes scanned within `limits`, then parsed: its value and whether the bytes are its
 * compact text, or the first problem (`syntax` for JSON that does not parse).
 */
export function parseJson(bytes: Uint8Array, limits: Omit<JsonLimits, 'maxBytes'>): { value: unknown; compact: boolean } | { problem: JsonProblem } {
  const { problem, compact } = scanJson(bytes, limits);
  if (problem) return { problem };
  try {
    return { value: JSON.parse(utf8.decode(bytes)), compact };
  } catch {
    return { problem: { kind: 'syntax' } };
  }
}
