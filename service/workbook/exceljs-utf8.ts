/**
 * exceljs, with two fixes. First, its streaming reader decodes every chunk of a zipped XML part on its own
 * (`utils/parse-sax.js`: `saxesParser.write(bufferToString(chunk))`), so a Korean character split
 * across two chunks becomes U+FFFD — silently garbled text, or a code like 구비 refused as unknown.
 * Here the same parser is given a streaming UTF-8 decoder per part. Import this module before
 * exceljs (`import './exceljs-utf8.ts'; import ExcelJS from 'exceljs';`): ES modules are evaluated
 * in import order, so the fix is in place before exceljs loads its readers; were it not, this module
 * throws rather than let text be garbled.
 */
import { createRequire } from 'node:module';
import { StringDecoder } from 'node:string_decoder';

const require = createRequire(import.meta.url);
const parseSaxPath = require.resolve('exceljs/lib/utils/parse-sax.js');
const readerPath = require.resolve('exceljs/lib/stream/xlsx/workbook-reader.js');
const fromExcelJs = createRequire(parseSaxPath);

type Events = { eventType: string; value: unknown }[];
type ParseSax = ((iterable: AsyncIterable<Buffer | string>) => AsyncGenerator<Events>) & { utf8Streaming?: true };

const { SaxesParser } = fromExcelJs('saxes') as { SaxesParser: new () => SaxParser };
const { PassThrough } = fromExcelJs('readable-stream') as { PassThrough: new () => NodeJS.ReadWriteStream };
interface SaxParser {
  on(event: string, handler: (value: unknown) => void): void;
  write(text: string): void;
}

type Node = { name: string; attributes?: Record<string, unknown> };
const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/**
 * The second fix: a boolean formula cell (`<c t="b"><f>FALSE()</f><v>0</v></c>`, as LibreOffice
 * writes TRUE and FALSE, and Excel any formula that returns one) loses a false result in both of
 * exceljs' readers, and its streaming reader gives a true one as the number 1. Here the cell's
 * <f> is held back and dropped once the cell shows its cached <v>, so exceljs reads the boolean the
 * cell shows. A boolean cell without a cached value keeps its formula (never calculated: refused).
 */
class BooleanFormulas {
  private inBoolean = false;
  private inFormula = false;
  private held: Events = [];
  private valued = false;

  push(events: Events, eventType: string, value: unknown): void {
    const name = localName((value as Node).name ?? '');
    if (eventType === 'opentag' && name === 'c') {
      this.inBoolean = (value as Node).attributes?.t === 'b';
      this.inFormula = false;
      this.held = [];
      this.valued = false;
    } else if (this.inBoolean) {
      if (eventType === 'opentag' && name === 'f') this.inFormula = true;
      if (this.inFormula) {
        this.held.push({ eventType, value });
        if (eventType === 'closetag' && name === 'f') this.inFormula = false;
        return;
      }
      if (eventType === 'opentag' && name === 'v') this.valued = true;
      if (eventType === 'closetag' && name === 'c') {
        if (!this.valued) events.push(...this.held);
        this.inBoolean = false;
        this.held = [];
      }
    }
    events.push({ eventType, value });
  }
}

const parseSax: ParseSax = async function* (input) {
  let iterable = input as AsyncIterable<Buffer | string> & { pipe?: (s: NodeJS.ReadWriteStream) => AsyncIterable<Buffer | string> };
  if (iterable.pipe && typeof (iterable as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] !== 'function') {
    iterable = iterable.pipe(new PassThrough()) as typeof iterable;
  }
  const parser = new SaxesParser();
  const decoder = new StringDecoder('utf8');
  let error: unknown;
  let events: Events = [];
  parser.on('error', (e) => (error = e));
  const booleans = new BooleanFormulas();
  for (const eventType of ['opentag', 'text', 'closetag']) parser.on(eventType, (value) => booleans.push(events, eventType, value));
  for await (const chunk of iterable) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    if (error) throw error;
    yield events;
    events = [];
  }
  const rest = decoder.end();
  if (rest) {
    parser.write(rest);
    if (error) throw error;
    yield events;
  }
};
parseSax.utf8Streaming = true;

fromExcelJs(parseSaxPath);
const cached = require.cache[parseSaxPath]!;
if (!(cached.exports as ParseSax).utf8Streaming) {
  if (require.cache[readerPath]) {
    throw new Error("exceljs was loaded before its UTF-8 fix: import './exceljs-utf8.ts' before 'exceljs'");
  }
  cached.exports = parseSax;
}
