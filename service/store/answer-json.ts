import type { Issue, RowResult, SyncAnswer } from '../../domain/index.ts';

// A sync answer's JSON as UTF-8 bytes, written straight into one buffer: each distinct warning's
// bytes are made once however many rows carry it (a batch whose lines share a dong-year's
// over-allocation warning repeats a few hundred bytes of Korean on every row), and the rest of each
// row is ASCII. Writing the answer as a string and encoding it after cost twice as much: the string
// of a 5,000-row answer is megabytes of two-byte characters. Each result's keys are written in the
// contract's order (domain/contract.ts `RowResult`), read by name rather than enumerated.

/** The UTF-8 of each issue already written. */
const issueBytes = new WeakMap<Issue, Buffer>();
/** The UTF-8 of each one-issue list already written (`[issue]`), by its issue: most warned rows carry one. */
const oneIssueListBytes = new WeakMap<Issue, Buffer>();

function bytesOf(issue: Issue, asList: boolean): Buffer {
  const cache = asList ? oneIssueListBytes : issueBytes;
  let bytes = cache.get(issue);
  if (bytes === undefined) cache.set(issue, (bytes = Buffer.from(asList ? `[${JSON.stringify(issue)}]` : JSON.stringify(issue), 'utf8')));
  return bytes;
}

/**
 * Buffers answers were written in, free again (`PooledAnswer.release`): memory written for the
 * first time costs a page fault a page, in a virtual machine more than the writing, so a batch's
 * answer (megabytes with its warnings) is written where an earlier one was.
 */
const pool: Buffer<ArrayBuffer>[] = [];
const maxPooled = 4;
const maxPooledBytes = 8 * 1024 * 1024;

/**
 * A growing buffer of UTF-8. ASCII text (a row's keys, id, status and revision) is written a
 * character at a time, any other through Node's encoder; bytes already encoded are set in place.
 * A call into the encoder or `Buffer.copy` for each of a row's few dozen bytes cost more than the
 * bytes themselves.
 */
class Utf8Out {
  private buffer: Buffer<ArrayBuffer>;
  private at = 0;

  /** `size`: the bytes expected (it grows past them); written in a pooled buffer when one is free and large enough. */
  constructor(size: number) {
    const free = pool.pop();
    this.buffer = free && free.length >= size ? free : Buffer.allocUnsafe(size);
  }

  private room(n: number): void {
    if (this.at + n <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + n));
    grown.set(this.buffer.subarray(0, this.at));
    this.buffer = grown;
  }

  text(s: string): void {
    // At most three bytes for each UTF-16 unit.
    this.room(s.length * 3);
    const buffer = this.buffer;
    let at = this.at;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.at = at + buffer.write(s.slice(i), at, 'utf8');
        return;
      }
      buffer[at++] = c;
    }
    this.at = at;
  }

  /** `s` as a JSON string: written as it is when it is plain ASCII (a row id), else as `JSON.stringify` writes it. */
  jsonString(s: string): void {
    this.room(s.length + 2);
    const buffer = this.buffer;
    let at = this.at;
    buffer[at++] = 0x22;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) {
        this.text(JSON.stringify(s));
        return;
      }
      buffer[at++] = c;
    }
    buffer[at++] = 0x22;
    this.at = at;
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    this.room(n);
    const { buffer, at } = this;
    // A few bytes by hand: setting a typed array has its own cost per call.
    if (n > 32) buffer.set(b, at);
    else for (let i = 0; i < n; i++) buffer[at + i] = b[i]!;
    this.at = at + n;
  }

  /** The bytes written, and a function that frees the buffer under them for another answer (once they are no longer read). */
  done(): PooledAnswer {
    const { buffer } = this;
    let released = false;
    return {
      bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, this.at),
      release: () => {
        if (released) return;
        released = true;
        if (pool.length < maxPooled && buffer.length <= maxPooledBytes) pool.push(buffer);
      },
    };
  }
}

/** A sync answer's UTF-8 in a pooled buffer: `bytes` are the answer's until `release` is called. */
export interface PooledAnswer {
  bytes: Uint8Array<ArrayBuffer>;
  release: () => void;
}

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const rowIdKey = utf8('{"rowId":');
const statusKey = utf8(',"status":');
const revisionKey = utf8(',"revision":');
const errorsKey = utf8(',"errors":');
const warningsKey = utf8(',"warnings":');
const serverKey = utf8(',"server":');
/** Each status's `"status"` text, as UTF-8. */
const statusBytes = new Map<string, Uint8Array>();

/** The UTF-8 of each two-issue list already written (`[first,second]`), by its issues. */
const twoIssueListBytes = new WeakMap<Issue, WeakMap<Issue, Buffer>>();

/** `[first,second]` as UTF-8, made once for each pair (a row's own warning and its dong-year's, shared by many rows). */
function pairBytes(first: Issue, second: Issue): Buffer {
  let after = twoIssueListBytes.get(first);
  if (after === undefined) twoIssueListBytes.set(first, (after = new WeakMap()));
  let bytes = after.get(second);
  if (bytes === undefined) after.set(second, (bytes = Buffer.concat([Buffer.from('['), bytesOf(first, false), Buffer.from(','), bytesOf(second, false), Buffer.from(']')])));
  return bytes;
}

function issues(out: Utf8Out, list: Issue[]): void {
  if (list.length === 1) {
    out.bytes(bytesOf(list[0]!, true));
    return;
  }
  if (list.length === 2) {
    out.bytes(pairBytes(list[0]!, list[1]!));
    return;
  }
  out.text('[');
  for (let i = 0; i < list.length; i++) {
    if (i > 0) out.text(',');
    out.bytes(bytesOf(list[i]!, false));
  }
  out.text(']');
}

/**
 * One row's result, its keys in the contract's order (domain/contract.ts `RowResult`) whatever
 * order they were set in: its plain values as text, its issue lists as their bytes.
 */
function writeResult(out: Utf8Out, result: RowResult): void {
  out.bytes(rowIdKey);
  out.jsonString(result.rowId);
  out.bytes(statusKey);
  let status = statusBytes.get(result.status);
  if (status === undefined) statusBytes.set(result.status, (status = utf8(JSON.stringify(result.status))));
  out.bytes(status);
  if (result.revision !== undefined) {
    out.bytes(revisionKey);
    // A revision is a whole number: its text is JSON's.
    out.text(Number.isSafeInteger(result.revision) ? String(result.revision) : JSON.stringify(result.revision));
  }
  if (result.errors !== undefined) {
    out.bytes(errorsKey);
    issues(out, result.errors);
  }
  if (result.warnings !== undefined) {
    out.bytes(warningsKey);
    issues(out, result.warnings);
  }
  if (result.server !== undefined) {
    out.bytes(serverKey);
    out.text(JSON.stringify(result.server));
  }
  out.text('}');
}

/**
 * A sync answer's JSON as UTF-8 (the bytes of `JSON.stringify(answer)` encoded, each result's keys
 * in the contract's order), written in a pooled buffer: the caller releases it once the bytes are
 * read (the sync room, once they are compressed).
 */
export function pooledAnswerUtf8(answer: SyncAnswer): PooledAnswer {
  // About a row's bytes for each result, and those of the first result's issues on each (rows
  // warned alike share them); the buffer grows past that if need be.
  const first = answer.results[0];
  const issueBytes = [...(first?.errors ?? []), ...(first?.warnings ?? [])].reduce((n, issue) => n + bytesOf(issue, false).length + 1, 0);
  const out = new Utf8Out(256 + answer.results.length * (96 + issueBytes));
  if (Object.keys(answer).join() !== 'batchId,revision,results') {
    out.text(JSON.stringify(answer));
    return out.done();
  }
  out.text(`{"batchId":${JSON.stringify(answer.batchId)},"revision":${JSON.stringify(answer.revision)},"results":[`);
  answer.results.forEach((result, i) => {
    if (i > 0) out.text(',');
    writeResult(out, result);
  });
  out.text(']}');
  return out.done();
}

/** A sync answer's JSON as UTF-8, in bytes of its own. */
export function answerUtf8(answer: SyncAnswer): Uint8Array<ArrayBuffer> {
  const pooled = pooledAnswerUtf8(answer);
  const own = new Uint8Array(pooled.bytes);
  pooled.release();
  return own;
}
