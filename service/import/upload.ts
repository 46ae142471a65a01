import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import type { Message } from '../../domain/index.ts';

/** A multipart upload, its file on disk (a temporary folder, removed by `discard`). */
export interface Upload {
  /** The file field's path on disk, its name as sent, and its size. */
  file: { path: string; name: string; bytes: number } | undefined;
  /** The text fields (kind, sheet, dryRun, map), each at most `maxFieldBytes`. */
  fields: Record<string, string>;
  discard: () => Promise<void>;
}

export class UploadError extends Error {
  constructor(
    readonly status: 400 | 413,
    readonly body: Message,
  ) {
    super(body.en);
    this.name = 'UploadError';
  }
}

const mb = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`);

export const uploadTooLarge = (limit: number) =>
  new UploadError(413, {
    ko: `올린 파일이 ${mb(limit)} 한도를 넘습니다. 통합 문서를 나누어 올리세요.`,
    en: `the uploaded file is over the limit of ${mb(limit)}; split the workbook.`,
  });

const fieldNames = new Set(['kind', 'sheet', 'dryRun', 'map']);
const maxFieldBytes = 64 * 1024;

/**
 * Receives a multipart/form-data body as it arrives (busboy, a streaming parser): the `file`
 * field straight into a temporary file, stopped at `maxBytes` (413, the file removed), the few
 * text fields kept, anything else passed over. The service thread never holds or scans the whole
 * body. The temporary folder is removed on any failure, and by `discard` after the import.
 */
export async function receiveUpload(body: ReadableStream<Uint8Array> | null, contentType: string, maxBytes: number, signal?: AbortSignal): Promise<Upload> {
  const dir = await mkdtemp(join(tmpdir(), 'jachi-upload-'));
  const discard = () => rm(dir, { recursive: true, force: true });
  const upload: Upload = { file: undefined, fields: {}, discard };
  try {
    if (!body) throw new UploadError(400, { ko: '요청에 본문이 없습니다.', en: 'The request has no body.' });
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: { files: 1, fileSize: maxBytes, fields: 8, fieldSize: maxFieldBytes, parts: 12, headerPairs: 20 },
        defParamCharset: 'utf8',
      });
    } catch (error) {
      throw new UploadError(400, {
        ko: `multipart 본문을 읽을 수 없습니다 (${(error as Error).message}).`,
        en: `The multipart body cannot be read (${(error as Error).message}).`,
      });
    }
    const writes: Promise<void>[] = [];
    let refusal: UploadError | undefined;
    const input = Readable.fromWeb(body as WebReadableStream<Uint8Array>);
    // Refused: read no further (the answer goes out now, not after the rest of the body).
    const stop = (error: UploadError) => {
      refusal ??= error;
      input.destroy(error);
    };
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || upload.file || refusal) {
        stream.resume();
        return;
      }
      const path = join(dir, 'upload');
      const file = { path, name: info.filename ?? 'workbook.xlsx', bytes: 0 };
      upload.file = file;
      stream.on('data', (chunk: Buffer) => (file.bytes += chunk.length));
      stream.on('limit', () => stop(uploadTooLarge(maxBytes)));
      // its failure is the parser's too (awaited below); a refusal destroys both
      const write = pipeline(stream, createWriteStream(path)).catch((error: unknown) => (refusal ? undefined : Promise.reject(error as Error)));
      // Should the body fail first (the time limit, the client gone), the write is not awaited: its
      // failure is that one, already answered, and must not surface as an unhandled rejection.
      write.catch(() => undefined);
      writes.push(write);
    });
    parser.on('field', (name, value, info) => {
      if (!fieldNames.has(name)) return;
      if (info.valueTruncated) stop(new UploadError(413, { ko: `${name} 항목이 너무 깁니다 (64 KB까지).`, en: `The ${name} field is too long (64 KB at most).` }));
      upload.fields[name] = value;
    });
    for (const event of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const) {
      parser.on(event, () =>
        stop(
          new UploadError(413, {
            ko: '항목이 너무 많습니다: file 하나와 kind, sheet, dryRun, map만 보내세요.',
            en: 'Too many parts: send one file and kind, sheet, dryRun, map only.',
          }),
        ),
      );
    }
    // The request ended (time limit, client gone) while its body still came in: stop reading it.
    const onAbort = () => input.destroy(signal?.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal?.aborted) onAbort();
      await pipeline(input, parser);
      await Promise.all(writes);
    } catch (error) {
      if (refusal) throw refusal;
      if (signal?.aborted) throw signal.reason;
      throw new UploadError(400, {
        ko: `multipart 본문을 읽을 수 없습니다 (${(error as Error).message}).`,
        en: `The multipart body cannot be read (${(error as Error).message}).`,
      });
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (refusal) throw refusal;
    return upload;
  } catch (error) {
    await discard();
    throw error;
  }
}
