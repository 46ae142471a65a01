import type { Issue, RowResult, SyncAnswer } from '../../domain/index.ts';

// A sync answer's JSON as UTF-8 bytes, written straight into one buffer: each distinct warning's
// bytes are made once however many rows carry it (a batch whose lines share a dong-year's
// over-allocation warning repeats a few hundred bytes of Korean on every row), and the rest of each
// row is ASCII. Writing the answer as a string and encoding it after cost twice as much: the string
// of a 5,000-row answer is megabytes of two-byte characters.

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

/** A growing buffer of UTF-8; text is gathered and written when bytes come (a row's ASCII in one write). */
class Utf8Out {
  private buffer: Buffer<ArrayBuffer>;
  private at = 0;
  private pending = '';

  /** `size`: the bytes expected (it grows past them). */
  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  private room(n: number): void {
    if (this.at + n <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + n));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }

  private flush(): void {
    if (this.pending === '') return;
    // At most three bytes for each UTF-16 unit.
    this.room(this.pending.length * 3);
    this.at += this.buffer.write(this.pending, this.at, 'utf8');
    this.pending = '';
  }

  text(s: string): void {
    this.pending += s;
  }

  bytes(b: Buffer): void {
    this.flush();
    this.room(b.length);
    this.at += b.copy(this.buffer, this.at);
  }

  done(): Uint8Array<ArrayBuffer> {
    this.flush();
    return new Uint8Array(this.buffer.buffer.slice(this.buffer.byteOffset, this.buffer.byteOffset + this.at));
  }
}

/** `"key":` of each result key seen. */
const keyJson = new Map<string, string>();

/** One row's result: its plain values gathered as text, its issue lists as their bytes. */
function writeResult(out: Utf8Out, result: RowResult): void {
  let text = '{';
  let first = true;
  for (const key in result) {
    const value = (result as unknown as Record<string, unknown>)[key];
    if (value === undefined) continue;
    let name = keyJson.get(key);
    if (name === undefined) keyJson.set(key, (name = `${JSON.stringify(key)}:`));
    text += first ? name : `,${name}`;
    first = false;
    if ((key === 'warnings' || key === 'errors') && Array.isArray(value)) {
      const issues = value as Issue[];
      out.text(text);
      text = '';
      if (issues.length === 1) {
        out.bytes(bytesOf(issues[0]!, true));
        continue;
      }
      out.text('[');
      issues.forEach((issue, i) => {
        if (i > 0) out.text(',');
        out.bytes(bytesOf(issue, false));
      });
      out.text(']');
      continue;
    }
    // A revision is a whole number: its text is JSON's.
    text += typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : JSON.stringify(value);
  }
  out.text(`${text}}`);
}

/** A sync answer's JSON as UTF-8: the same bytes as `JSON.stringify(answer)` encoded. */
export function answerUtf8(answer: SyncAnswer): Uint8Array<ArrayBuffer> {
  // About a row's bytes for each result (more when they carry warnings: the buffer grows).
  const out = new Utf8Out(256 + answer.results.length * 96);
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
