import { describe, expect, it } from 'vitest';
import type { Kind } from '../../domain/index.ts';
import { ChangeFeed, type Change } from '../../service/store/changes.ts';
import { ChangedUnits } from '../../service/store/compare/changed.ts';
import type { Readers } from '../../service/store/readers.ts';

describe('the change feed when the service stops', () => {
  it('ends every open stream, and a stream opened after the stop began at once', async () => {
    // Nothing changes in this test, so the feed never reads.
    const feed = new ChangeFeed(
      () => 0,
      async () => new Set(),
      60_000,
    );
    const ended: string[] = [];
    const stopA = feed.subscribe(
      () => undefined,
      () => ended.push('a'),
    );
    const stopB = feed.subscribe(
      () => undefined,
      () => ended.push('b'),
    );
    stopB();
    feed.end();
    expect(ended).toEqual(['a']);
    feed.subscribe(
      () => undefined,
      () => ended.push('late'),
    );
    await Promise.resolve();
    expect(ended).toEqual(['a', 'late']);
    stopA();
    feed.stop();
  });
});

describe('the change feed under syncs', () => {
  const told = (entries: [string, string[]][]) => new Map(entries.map(([kind, dongs]) => [kind as Kind, new Set(dongs)]));
  const listed = (change: Change) => Object.fromEntries([...change.units].map(([kind, units]) => [kind, [...units].sort()]));
  const nextChange = (changes: Change[], count: number) =>
    new Promise<void>((resolve) => {
      const wait = () => (changes.length >= count ? resolve() : setTimeout(wait, 2));
      wait();
    });

  it('tells what the writer told, the dong a row left included, without reading the rows; a commit it was not told of is read', async () => {
    let revision = 10;
    let reads = 0;
    const readers = { rows: async () => (reads++, [{ kind: 'spending', dong: '중리동', revision: 15 }]) } as unknown as Readers;
    // As the store wires them: the writer tells the comparisons' ChangedUnits, and the feed asks it.
    const units = new ChangedUnits(
      readers,
      () => revision,
      () => revision,
    );
    units.begin();
    const feed = new ChangeFeed(
      () => revision,
      (kind, after, upTo) => units.changedSince(kind, after, upTo),
      5,
    );
    const changes: Change[] = [];
    const stop = feed.subscribe((change) => changes.push(change));
    // Two commits told before a tick: one event, both commits' units (a row moved from 갈마1동 to 진잠동).
    units.committed(10, 11, told([['spending', ['가양2동']]]));
    units.committed(
      11,
      13,
      told([
        ['spending', ['갈마1동', '진잠동']],
        ['participation', ['가양2동']],
      ]),
    );
    revision = 13;
    await nextChange(changes, 1);
    expect(changes[0]!.revision).toBe(13);
    expect(listed(changes[0]!)).toEqual({ spending: ['가양2동', '갈마1동', '진잠동'], participation: ['가양2동'] });
    expect(reads).toBe(0);
    // A commit told out of turn (13–14 never told): the rows are read for the span.
    units.committed(14, 15, told([['spending', ['송촌동']]]));
    revision = 15;
    await nextChange(changes, 2);
    expect(changes[1]!.revision).toBe(15);
    expect(listed(changes[1]!)).toEqual({ spending: ['중리동'] });
    expect(reads).toBe(1);
    stop();
  });
});
