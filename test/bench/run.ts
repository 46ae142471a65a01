/**
 * `npm run bench`: every benchmark, each printing its figures and their ratio to a baseline run in
 * the same process on the same data, then the machine they ran on.
 *   npm run bench -- sync compare        some of them (sync, validate, compare, sync-diff, import, query)
 *   npm run bench -- --quick             smaller sizes, about a minute; goals are judged on full runs only
 *   npm run bench -- --json bench.json   also write every figure as JSON
 */
// First: DuckDB's allocator reads its options when DuckDB loads, as `jachi` gives them (bin/duckdb-allocator.mjs).
import '../../bin/duckdb-allocator.mjs';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { benchSync } from './sync.ts';
import { benchValidate } from './validate.ts';
import { benchCompare } from './compare.ts';
import { benchSyncDiff } from './sync-diff.ts';
import { benchImport } from './import.ts';
import { benchQuery } from './query.ts';
import { machine, machineLines } from './machine.ts';
import { fullSizes, quickSizes, sizesText, type BenchSizes } from './sizes.ts';
import { collectGarbage, printLines } from './stats.ts';

const benches: Record<string, (sizes: BenchSizes) => Promise<unknown>> = {
  sync: benchSync,
  validate: benchValidate,
  compare: benchCompare,
  'sync-diff': benchSyncDiff,
  import: benchImport,
  query: benchQuery,
};

const { values: flags, positionals: wanted } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, json: { type: 'string' } },
  allowPositionals: true,
});
const unknown = wanted.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')} (there are: ${Object.keys(benches).join(', ')})`);
  process.exit(2);
}

const sizes = flags.quick ? quickSizes : fullSizes;
const startedAt = new Date();
const loadStart = loadavg()[0]!;
console.log(`Jachi Ledger benchmarks · ${sizes.quick ? 'QUICK' : 'FULL'} · node ${process.version} · ${startedAt.toISOString()}`);
console.log(`sizes: ${sizesText(sizes)}${sizes.quick ? ' · goals judged on full runs only' : ''}`);

const results: Record<string, unknown> = {};
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  collectGarbage(); // one bench's garbage is not the next one's pause
  results[name] = await run(sizes);
}

const elapsedMs = Date.now() - startedAt.getTime();
const where = await machine(loadStart);
printLines(`Machine (run took ${(elapsedMs / 1000).toFixed(0)} s)`, machineLines(where));

if (flags.json) {
  writeFileSync(
    flags.json,
    `${JSON.stringify({ startedAt: startedAt.toISOString(), elapsedMs, mode: sizes.quick ? 'quick' : 'full', sizes, machine: where, results }, null, 2)}\n`,
  );
  console.log(`\nfigures written to ${flags.json}`);
}
