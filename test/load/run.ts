/**
 * `npm run load [-- --clients 50 --seconds 30 --dongs 3500]`: the load run (issue 7), printed as the
 * benchmarks print. Also: `--readers N` (of the clients, how many read comparisons; default a
 * fifth), `--years N` (default 2), `--rate N` (each client's most requests a second; default 10),
 * `--node=FLAG` (repeatable: a flag for the service's node, e.g. `--node=--max-old-space-size=256`),
 * `--profile DIR` (the service's CPU profile), `--arenas N` (glibc's malloc arenas for the service,
 * `MALLOC_ARENA_MAX`, as the Dockerfile sets it: default 2; 0 leaves glibc's default),
 * `--mmap-threshold BYTES` (glibc's `MALLOC_MMAP_THRESHOLD_`, as the Dockerfile sets it: default
 * 131072; 0 leaves glibc's own), `--json` (the figures as JSON too). Anything after a second `--`
 * goes to `jachi serve` (`npm run load -- --clients 20 -- --rate 5`).
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { printLoad, runLoad } from './load.ts';

const dashes = process.argv.indexOf('--', 2);
const own = dashes < 0 ? process.argv.slice(2) : process.argv.slice(2, dashes);
const { values } = parseArgs({
  args: own,
  options: {
    clients: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '30' },
    dongs: { type: 'string', default: '3500' },
    readers: { type: 'string' },
    years: { type: 'string', default: '2' },
    rate: { type: 'string', default: '10' },
    node: { type: 'string', multiple: true, default: [] },
    arenas: { type: 'string' },
    'mmap-threshold': { type: 'string' },
    profile: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const whole = (name: string, text: string, least = 1) => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < least) throw new Error(`--${name}: a whole number ≥ ${least}, not '${text}'`);
  return n;
};

const result = await runLoad({
  clients: whole('clients', values.clients),
  seconds: whole('seconds', values.seconds),
  dongs: whole('dongs', values.dongs),
  readers: values.readers === undefined ? undefined : whole('readers', values.readers, 0),
  years: whole('years', values.years),
  perClientRate: whole('rate', values.rate),
  serveArgs: dashes < 0 ? [] : process.argv.slice(dashes + 1),
  mallocArenas: values.arenas === undefined ? undefined : whole('arenas', values.arenas, 0),
  mmapThreshold: values['mmap-threshold'] === undefined ? undefined : whole('mmap-threshold', values['mmap-threshold'], 0),
  nodeArgs: [...values.node, ...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [])],
  log: (line) => console.error(line),
});
let commit = '';
try {
  commit = ` · ${execFileSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8' }).trim()}`;
} catch {
  // Not a git checkout: the figures stand without it.
}
console.log(`Jachi Ledger load · node ${process.version}${commit} · ${new Date().toISOString()}`);
printLoad(result);
if (values.json) console.log(JSON.stringify({ ...result, serviceStderr: undefined }, null, 2));
const lost = result.durable.batchesMissing + result.durable.batchesWithOtherRowCount + result.durable.rowsMissingOrOtherRevision;
if (result.errors > 0 || lost > 0) process.exitCode = 1;
