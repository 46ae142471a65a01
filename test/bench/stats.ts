/** Small helpers for the benchmarks: medians of repeated runs, printed figures. */
export async function timeRuns(runs: number, fn: (i: number) => Promise<unknown> | unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return times;
}

/** A full garbage collection now, where node runs with --expose-gc (`npm run bench` does): one run's garbage is not the next one's pause. */
export const collectGarbage = (): void => (globalThis as { gc?: () => void }).gc?.();

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const ms = (v: number) => `${v.toFixed(1)} ms`;
/** a ÷ b, two decimals; two significant digits below 0.1 (an Arrow decode is a few thousandths of JSON's). */
export const ratio = (a: number, b: number) => {
  const r = a / b;
  return `${Math.abs(r) >= 0.1 || r === 0 ? r.toFixed(2) : r.toPrecision(2)}×`;
};
/** Rows per second of `rows` done in `elapsedMs`. */
export const perSecond = (rows: number, elapsedMs: number) => rows / (elapsedMs / 1000);
export const rowsPerSecond = (rate: number) => `${Math.round(rate).toLocaleString('en')} rows/s`;

export interface BenchLine {
  name: string;
  value: string;
  goal?: string;
  ok?: boolean;
}

/**
 * A goal the issue sets for the full sizes: judged on a full run; on a quick run shown, not judged
 * (smaller data flatters times and ratios alike).
 */
export function goalAtFullSize(quick: boolean, goal: string, ok: boolean): Pick<BenchLine, 'goal' | 'ok'> {
  return quick ? { goal: `${goal} at full size` } : { goal, ok };
}

export function printLines(title: string, lines: BenchLine[]): void {
  console.log(`\n## ${title}`);
  for (const l of lines) console.log(`  ${l.ok === undefined ? ' ' : l.ok ? '✓' : '✗'} ${l.name.padEnd(58)} ${l.value}${l.goal ? `   (goal ${l.goal})` : ''}`);
}
