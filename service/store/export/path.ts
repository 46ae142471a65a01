import { statSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { StoreError } from '../errors.ts';

/**
 * An output path for COPY, which takes no bound parameter for it: absolute, normalised (no `..`,
 * no trailing slash), no control characters, in a folder that exists. A partitioned export writes
 * a folder, which must not exist yet or be empty.
 */
export function checkOutPath(out: string, options: { folder?: boolean } = {}): string {
  const fail = (ko: string, en: string) => new StoreError('invalid_input', `${ko} / ${en}: ${JSON.stringify(out)}`);
  if (/[\u0000-\u001f\u007f]/.test(out)) throw fail('출력 경로에 제어 문자가 있습니다', 'the output path has control characters');
  if (!isAbsolute(out) || resolve(out) !== out) throw fail('출력 경로는 정규화된 절대 경로여야 합니다', 'the output path must be absolute and normalised');
  const parent = statSync(dirname(out), { throwIfNoEntry: false });
  if (!parent?.isDirectory()) throw fail('출력 폴더가 없습니다', 'the output folder does not exist');
  const existing = statSync(out, { throwIfNoEntry: false });
  if (options.folder) {
    if (existing && (!existing.isDirectory() || readdirSync(out).length > 0))
      throw fail('분할 출력 폴더는 없거나 비어 있어야 합니다', 'a partitioned export needs a new or empty folder');
  } else if (existing?.isDirectory()) {
    throw fail('출력 경로가 폴더입니다', 'the output path is a folder');
  }
  return out;
}

/** A checked path as a SQL string literal (quotes doubled). */
export function pathLiteral(path: string): string {
  return `'${path.replaceAll("'", "''")}'`;
}

/** RFC 5987 value characters: everything else is percent-encoded. */
const encodeRfc5987 = (text: string) => encodeURIComponent(text).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * `Content-Disposition: attachment` with an ASCII fallback name and the real (Korean) name as
 * `filename*=UTF-8''…`, which every current browser prefers.
 */
export function contentDisposition(filename: string, fallback: string): string {
  const ascii = fallback.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(filename)}`;
}
