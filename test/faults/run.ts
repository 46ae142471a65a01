/**
 * `npm run faults [-- --cycles N]`: the kill -9 fault driver for N cycles (default 50), printing each
 * kill and then the figures checked in the file. Exits 1 if any figure is off. JACHI_FAULT_SEED
 * replays a run's batches and kill delays.
 */
import { parseArgs } from 'node:util';
import { failures, runFaults, summary } from './kill.ts';

const { values } = parseArgs({ options: { cycles: { type: 'string', default: '50' } } });
const cycles = Number(values.cycles);
if (!Number.isSafeInteger(cycles) || cycles < 1) {
  console.error(`--cycles: a whole number ≥ 1, not ${values.cycles}`);
  process.exit(2);
}

const report = await runFaults({ cycles, log: (line) => console.log(line) });
console.log('');
console.log(summary(report));

const wrong = failures(report);
if (wrong.length > 0) {
  console.log(`\nFAILED (seed ${report.seed}; replay with JACHI_FAULT_SEED=${report.seed}):\n  ${wrong.join('\n  ')}`);
  process.exitCode = 1;
} else {
  console.log('\nOK: every acknowledged batch is stored exactly once and whole.');
}
