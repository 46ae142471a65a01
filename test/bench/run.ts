/**
 * `npm run bench`: every benchmark, each printing its figures and its ratio to a baseline run in the
 * same process. Pass names to run some: `npm run bench -- sync compare`.
 */
import { benchSync } from './sync.ts';
import { benchCompare } from './compare.ts';
import { benchSyncDiff } from './sync-diff.ts';
import { benchImport } from './import.ts';

const benches: Record<string, () => Promise<unknown>> = {
  sync: benchSync,
  compare: benchCompare,
  'sync-diff': benchSyncDiff,
  import: benchImport,
};

const wanted = process.argv.slice(2).filter((a) => a in benches);
console.log(`Jachi Ledger benchmarks · node ${process.version} · ${new Date().toISOString()}`);
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  await run();
}
