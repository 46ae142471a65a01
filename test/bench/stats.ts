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

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const ms = (v: number) => `${v.toFixed(1)} ms`;
export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

export interface BenchLine {
  name: string;
  value: string;
  goal?: string;
  ok?: boolean;
}

export function printLines(title: string, lines: BenchLine[]): void {
  console.log(`\n## ${title}`);
  for (const l of lines) console.log(`  ${l.ok === undefined ? ' ' : l.ok ? '✓' : '✗'} ${l.name.padEnd(58)} ${l.value}${l.goal ? `   (goal ${l.goal})` : ''}`);
}
