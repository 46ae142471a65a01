import { describe, expect, it } from 'vitest';
import { runLoad } from './load.ts';

// The load run's short form: the real `jachi serve` over a small generated country. Correctness
// only; the speed figures are `npm run load`'s to print, not a test's to judge.
describe('the load run (npm run load), short', () => {
  it('syncs and comparisons from 10 clients for 5 s: no errors, and every acknowledged sync in the file', async () => {
    const r = await runLoad({ clients: 10, seconds: 5, dongs: 200, years: 2 });
    expect(r.errorSamples).toEqual([]);
    expect(r.errors).toBe(0);
    expect(r.roles).toEqual({ dong: 7, district: 1, manager: 1, analyst: 1 });
    const count = (prefix: string) => r.byKind.filter((k) => k.kind.startsWith(prefix)).reduce((n, k) => n + k.count, 0);
    expect(count('sync ')).toBeGreaterThan(0);
    expect(count('compare ')).toBeGreaterThan(0);
    expect(r.requests).toBe(r.byKind.reduce((n, k) => n + k.count, 0));
    expect(r.sync.rowsAccepted).toBeGreaterThan(0);
    expect(r.sync.rowsNotAccepted).toEqual({});
    expect(r.durable.batches).toBe(r.sync.batches);
    expect(r.durable).toMatchObject({ batchesMissing: 0, batchesWithOtherRowCount: 0, rowsMissingOrOtherRevision: 0 });
    expect(r.durable.rows).toBeGreaterThan(0);
    if (process.platform === 'linux') {
      expect(r.memory.peakRssMb).toEqual(expect.any(Number));
      expect(r.memory.peakRssMb).toBeGreaterThan(0);
      expect(r.memory.samples).toBeGreaterThan(0);
    }
  }, 180_000);
});
