import { describe, expect, it } from 'vitest';
import { Gate } from '../../service/store/gate.ts';

describe('the heavy-read gate', () => {
  it('lets at most its size through at once, the rest in the order they came, and passes failures on', async () => {
    const gate = new Gate(2);
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    const job = (i: number) =>
      gate.run(async () => {
        inside += 1;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 5));
        order.push(i);
        inside -= 1;
        if (i === 3) throw new Error('boom');
        return i;
      });
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => job(i)));
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(results[3]).toMatchObject({ status: 'rejected', reason: new Error('boom') });
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
  });
});

describe('work that goes ahead (a comparison brought up to date, before the pulls)', () => {
  it('waits before the work that does not, in the order it came among its own', async () => {
    const gate = new Gate(1);
    let release!: () => void;
    const holder = gate.run(() => new Promise<void>((r) => (release = r)));
    const ran: string[] = [];
    const job = (name: string, ahead: boolean) => gate.run(async () => void ran.push(name), undefined, undefined, ahead);
    const all = [job('pull 1', false), job('pull 2', false), job('compare 1', true), job('pull 3', false), job('compare 2', true)];
    release();
    await Promise.all([holder, ...all]);
    expect(ran).toEqual(['compare 1', 'compare 2', 'pull 1', 'pull 2', 'pull 3']);
  });
});

describe('a waiter whose request ran out of time', () => {
  it('leaves the queue without running, and the next waiter gets its turn', async () => {
    const gate = new Gate(1);
    let release!: () => void;
    const holder = gate.run(() => new Promise<void>((r) => (release = r)));
    const ran: string[] = [];
    const timedOut = new AbortController();
    const late = gate.run(async () => void ran.push('late'), timedOut.signal);
    const next = gate.run(async () => void ran.push('next'));
    timedOut.abort(new Error('request_timeout'));
    await expect(late).rejects.toThrow('request_timeout');
    release();
    await holder;
    await next;
    expect(ran).toEqual(['next']);
    // Already out of time: refused before queueing.
    await expect(gate.run(async () => void ran.push('never'), timedOut.signal)).rejects.toThrow('request_timeout');
    expect(ran).toEqual(['next']);
  });
});

describe('a per-key share (analyst SQL: one token cannot take every place)', () => {
  it("runs another key's work ahead of a key that holds its share, and keeps the order within a key", async () => {
    const gate = new Gate(2, 1);
    const releases: (() => void)[] = [];
    const ran: string[] = [];
    const job = (name: string, key: string) =>
      gate.run(
        () =>
          new Promise<void>((r) => {
            ran.push(name);
            releases.push(r);
          }),
        undefined,
        key,
      );
    const jobs = [job('a1', 'a'), job('a2', 'a'), job('a3', 'a'), job('b1', 'b')];
    await new Promise((r) => setTimeout(r, 0));
    // a holds its one place; b takes the other although a's work came first
    expect(ran).toEqual(['a1', 'b1']);
    expect(gate.load).toEqual({ running: 2, waiting: 2 });
    releases.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(ran).toEqual(['a1', 'b1', 'a2']);
    releases.shift()!(); // b1 done: a already holds its share, so the place stays free
    await new Promise((r) => setTimeout(r, 0));
    expect(gate.load).toEqual({ running: 1, waiting: 1 });
    releases.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(ran).toEqual(['a1', 'b1', 'a2', 'a3']);
    releases.shift()!();
    await Promise.all(jobs);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });
});
