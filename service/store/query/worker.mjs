// The analyst SQL sandbox's child process (forked by ./pool.ts, kept warm across queries). It holds
// one snapshot open at a time: read-only, external access off, extension autoload and install off,
// the configuration locked. Each request names the snapshot; a different one closes the old first.
// Each query gets a connection of its own (no session state outlives it), is checked again as
// exactly one SELECT, runs in a READ ONLY transaction under a time limit (connection.interrupt())
// and a row and byte cap, and gets one answer: `{ id, ok, ... }`. The child exits when its parent
// goes (the IPC channel closes), so none outlives the service.
// Plain JavaScript, so it starts fast and needs no loader.
import { DuckDBInstance, JsonDuckDBValueConverter, StatementType } from '@duckdb/node-api';

/** @type {{ path: string, instance: DuckDBInstance } | undefined} */
let open;

/** A value's size in the answer, about as many bytes as its JSON text. */
function sizeOf(value) {
  if (value === null) return 5;
  if (typeof value === 'string') return value.length + 3;
  if (typeof value === 'object') return JSON.stringify(value).length + 1;
  return 9;
}

async function instanceFor(snapshotPath, memoryLimit) {
  if (open?.path === snapshotPath) return open.instance;
  open?.instance.closeSync();
  open = undefined;
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
  open = { path: snapshotPath, instance };
  return instance;
}

async function query(connection, request) {
  const { sql, limit, maxBytes, timeoutMs } = request;
  const extracted = await connection.extractStatements(sql);
  if (extracted.count !== 1) return { ok: false, code: 'not_one_statement' };
  const parsed = await connection.runAndReadAll('SELECT json_serialize_sql($sql::VARCHAR) AS j', { sql });
  if (JSON.parse(String(parsed.getRows()[0]?.[0])).error) return { ok: false, code: 'not_select' };
  const prepared = await extracted.prepare(0);
  if (prepared.statementType !== StatementType.SELECT) return { ok: false, code: 'not_select' };

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
        if (bytes > maxBytes) return { ok: false, code: 'result_too_large', detail: `(> ${Math.round(maxBytes / 1024 / 1024)} MB)` };
      }
      rows += take;
      if (take < chunk.rowCount || rows >= limit) {
        // One more row would exceed the cap: stop reading (the rest is never computed).
        truncated = take < chunk.rowCount || Boolean((await result.fetchChunk())?.rowCount);
        break;
      }
    }
    return { ok: true, columns, data, rows, truncated };
  } catch (error) {
    if (timedOut) return { ok: false, code: 'timeout' };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function answer(request) {
  const instance = await instanceFor(request.snapshotPath, request.memoryLimit);
  // `open` only: the snapshot is opened ahead of the next query.
  if (request.sql === undefined) return { ok: true };
  const connection = await instance.connect();
  try {
    return await query(connection, request);
  } finally {
    connection.closeSync();
  }
}

// One request at a time: the parent sends the next only after this one's answer.
process.on('message', (request) => {
  answer(request)
    .catch((error) => ({ ok: false, code: 'query_failed', detail: String(error?.message ?? error).slice(0, 2000) }))
    .then((reply) => process.send?.({ id: request.id, snapshot: open?.path, rss: process.memoryUsage().rss, ...reply }));
});
process.on('disconnect', () => process.exit(0));
