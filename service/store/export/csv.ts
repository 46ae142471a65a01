import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Kind } from '../../../domain/index.ts';
import { pathLiteral } from './path.ts';
import { sheetSelection, type ExportScope } from './select.ts';

const bom = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * CSV as Excel opens it in Korea: UTF-8 with a BOM, the sheet's Korean headers, 행ID first, dates
 * as YYYY-MM-DD, a blank for a blank. DuckDB writes the file (its quoting, dates and numbers), into
 * a partial file beside `out`; the BOM goes first while that is copied into place.
 */
export async function writeCsv(connection: DuckDBConnection, kind: Kind, out: string, scope?: ExportScope): Promise<number> {
  const { sql, params } = sheetSelection(kind, scope, true);
  const partial = `${out}.${randomBytes(6).toString('hex')}.partial`;
  try {
    const result = await connection.runAndReadAll(`COPY (${sql}) TO ${pathLiteral(partial)} (FORMAT csv, HEADER, DELIMITER ',')`, params);
    await pipeline(async function* () {
      yield bom;
      yield* createReadStream(partial);
    }, createWriteStream(out));
    return Number(result.getRows()[0]?.[0] ?? 0);
  } finally {
    await rm(partial, { force: true });
  }
}
