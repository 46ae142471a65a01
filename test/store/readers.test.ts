// The readers' room (service/store/readers.ts): concurrent reads never share a connection, and
// whole-table scans take turns at the heavy-read gate, as many at once as DuckDB has threads; small
// scans (a dong's pull) at a gate of their own beside it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { Readers } from '../../service/store/readers.ts';

let instance: DuckDBInstance;
let readers: Readers;
beforeEach(async () => {
  instance = await DuckDBInstance.create(':memory:');
  readers = new Readers(instance, 3);
});
afterEach(() => {
  readers.close();
  instance.closeSync();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Readers', () => {
  it('gives each concurrent read a connection of its own, and reuses them afterwards', async () => {
    const seen: DuckDBConnection[] = [];
    await Promise.all([0, 1, 2].map(() => readers.with(async (c) => (seen.push(c), await pause(5)))));
    expect(new Set(seen).size).toBe(3);
    const again = await readers.with(async (c) => c);
    expect(seen).toContain(again);
  });

  it('lets as many scans run at once as DuckDB has threads; plain reads do not wait for them', async () => {
    let scanning = 0;
    let most = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const scans = [0, 1, 2, 3, 4].map(() =>
      readers.scan(async () => {
        scanning++;
        most = Math.max(most, scanning);
        await held;
        scanning--;
      }),
    );
    await pause(10);
    expect(scanning).toBe(3);
    // A small read (a pull of one row's revision, a token check) goes ahead while the scans wait.
    expect(await readers.rows('SELECT 42 AS answer')).toEqual([{ answer: 42 }]);
    release();
    await Promise.all(scans);
    expect(most).toBe(3);
  });

  it('runs small scans one at a time, beside the heavy ones and never behind them', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const heavy = [0, 1, 2].map(() => readers.scan(() => held));
    let small = 0;
    let most = 0;
    const smalls = [0, 1, 2].map(() =>
      readers.smallScan(async (c) => {
        small++;
        most = Math.max(most, small);
        const [row] = (await c.runAndReadAll('SELECT 1 AS one')).getRowObjectsJS();
        small--;
        return row;
      }),
    );
    // The heavy places are taken and held: the small scans still finish, one after another.
    expect(await Promise.all(smalls)).toEqual([{ one: 1 }, { one: 1 }, { one: 1 }]);
    expect(most).toBe(1);
    release();
    await Promise.all(heavy);
  });

  it('runs a small scan asked to go ahead (a comparison brought up to date) before the pulls already waiting', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const heavy = [0, 1, 2].map(() => readers.scan(() => held));
    let releaseSmall!: () => void;
    const smallHeld = new Promise<void>((r) => (releaseSmall = r));
    const first = readers.smallScan(() => smallHeld);
    const order: string[] = [];
    const pulls = [1, 2].map((i) => readers.smallScan(async () => void order.push(`pull ${i}`)));
    const compare = readers.smallScan(async () => void order.push('compare'), undefined, true);
    releaseSmall();
    await Promise.all([first, ...pulls, compare]);
    expect(order).toEqual(['compare', 'pull 1', 'pull 2']);
    release();
    await Promise.all(heavy);
  });

  it('a scan whose request has ended leaves the queue without running', async () => {
    const one = new Readers(instance, 1);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = one.scan(() => held);
    const gone = new AbortController();
    let ran = false;
    const waiting = one.scan(async () => void (ran = true), gone.signal);
    gone.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    release();
    await first;
    expect(ran).toBe(false);
    one.close();
  });
});
