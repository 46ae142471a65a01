// The analyst SQL sandbox's child process (forked by service/query/index.ts, one per query).
// It opens the snapshot read-only with external access off, extension autoload and install off and
// the configuration locked, checks again that the text is exactly one SELECT, runs it in a READ ONLY
// transaction under a time limit (connection.interrupt()) and a row cap, sends one answer and exits.
// Plain JavaScript, so it starts fast and needs no loader.
import { DuckDBInstance, JsonDuckDBValueConverter, StatementType } from '@duckdb/node-api';

/** @param {{ code: string, detail?: string }} failure */
function fail(failure) {
  process.send?.({ ok: false, ...failure }, () => process.exit(0));
}

/** A value's size in the answer, about as many bytes as its JSON text. */
function sizeOf(value) {
  if (value === null) return 5;
  if (typeof value === 'string') return value.length + 3;
  if (typeof value === 'object') return JSON.stringify(value).length + 1;
  return 9;
}

async function run(request) {
  const { snapshotPath, sql, limit, maxBytes, timeoutMs, memoryLimit } = request;
  // Order matters: the settings are applied in this order, and once external access is off the
  // temp directory can no longer be set; the lock comes last.
  const instance = await DuckDBInstance.create(snapshotPath, {
    access_mode: 'READ_ONLY',
    autoload_known_extensions: 'false',
    autoinstall_known_extensions: 'false',
    allow_community_extensions: 'false',
    allow_unsigned_extensions: 'false',
    memory_limit: memoryLimit,
    max_temp_directory_size: '0B',
    temp_directory: '',
    threads: '1',
    enable_external_access: 'false',
    lock_configuration: 'true',
  });
  const connection = await instance.connect();

  const extracted = await connection.extractStatements(sql);
  if (extracted.count !== 1) return fail({ code: 'not_one_statement' });
  const parsed = await connection.runAndReadAll('SELECT json_serialize_sql($sql::VARCHAR) AS j', { sql });
  if (JSON.parse(String(parsed.getRows()[0]?.[0])).error) return fail({ code: 'not_select' });
  const prepared = await extracted.prepare(0);
  if (prepared.statementType !== StatementType.SELECT) return fail({ code: 'not_select' });

  await connection.run('BEGIN TRANSACTION READ ONLY');
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, timeoutMs);
  try {
    const result = await prepared.stream();
    const columns = result.deduplicatedColumnNames().map((name, i) => ({ name, type: result.columnType(i).toString() }));
    /** @type {unknown[][]} column-major values */
    const data = columns.map(() => []);
    let rows = 0;
    let truncated = false;
    // The answer's size as its values' text, counted as they are read: the rest is never read.
    let bytes = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const take = Math.min(chunk.rowCount, limit - rows);
      for (let c = 0; c < columns.length; c++) {
        const values = chunk.convertColumnValues(c, JsonDuckDBValueConverter);
        for (let r = 0; r < take; r++) {
          const value = values[r] ?? null;
          bytes += sizeOf(value);
          data[c].push(value);
        }
        if (bytes > maxBytes) {
          clearTimeout(timer);
          return fail({ code: 'result_too_large', detail: `(> ${Math.round(maxBytes / 1024 / 1024)} MB)` });
        }
      }
      rows += take;
      if (take < chunk.rowCount || rows >= limit) {
        // One more row would exceed the cap: stop reading (the rest is never computed).
        truncated = take < chunk.rowCount || Boolean((await result.fetchChunk())?.rowCount);
        break;
      }
    }
    clearTimeout(timer);
    process.send?.({ ok: true, columns, data, rows, truncated }, () => process.exit(0));
  } catch (error) {
    clearTimeout(timer);
    if (timedOut) return fail({ code: 'timeout' });
    throw error;
  }
}

process.once('message', (request) => {
  run(request).catch((error) => fail({ code: 'query_failed', detail: String(error?.message ?? error).slice(0, 2000) }));
});
