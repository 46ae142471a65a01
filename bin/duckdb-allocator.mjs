// DuckDB's allocator, set before DuckDB loads. libduckdb allocates through the jemalloc built into
// it, which reads its options from DUCKDB_JE_MALLOC_CONF once, when the library loads; DuckDB's own
// (two arenas; a freed page kept a second, then a second more marked reusable but still resident)
// left about 140 MB of freed memory resident under `npm run load`. With one arena, a freed page given back
// when its second is up, and allocations of 1 MB and more (a comparison's hash tables and sorts) in
// jemalloc's arena for large ones, which gives their pages back as soon as they are freed, the
// service's peak fell from 539–560 to 468–479 MB at the same requests served (docs/performance-history.md, "Load").
// Imported first by bin/jachi.mjs and by the bench and load runners (test/bench/run.ts,
// test/load/load.ts): options an operator sets in the variable come after these, and win.

/** jemalloc's options for DuckDB, as measured. */
const duckdbAllocator = 'narenas:1,muzzy_decay_ms:0,oversize_threshold:1048576';

/** The options DuckDB's allocator is given: ours, then any the environment already names (once: a child given these keeps them). */
const allocatorOptions = (own) => (!own ? duckdbAllocator : own.startsWith(duckdbAllocator) ? own : `${duckdbAllocator},${own}`);

process.env.DUCKDB_JE_MALLOC_CONF = allocatorOptions(process.env.DUCKDB_JE_MALLOC_CONF);
