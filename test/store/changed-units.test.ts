// Which dongs changed since a revision (service/store/compare/changed.ts): told by the writer as
// each group commits, read from the rows only to fill what it was not told.
import { describe, expect, it } from 'vitest';
import { ChangedUnits } from '../../service/store/compare/changed.ts';
import type { Readers } from '../../service/store/readers.ts';
import type { Kind } from '../../domain/index.ts';

/** ChangedUnits over a readers' room whose one read gives `found` (and counts its reads). */
function changedUnits(found: { kind: Kind; dong: string; revision: number }[]) {
  let revision = 10;
  const reads = { count: 0 };
  const readers = { rows: async () => (reads.count++, found) } as unknown as Readers;
  const units = new ChangedUnits(
    readers,
    () => revision,
    () => revision,
  );
  units.begin();
  return { units, reads, publish: (r: number) => (revision = r) };
}

const told = (entries: [Kind, string[]][]) => new Map(entries.map(([kind, dongs]) => [kind, new Set(dongs)]));
const sorted = (set: Set<string> | undefined) => (set ? [...set].sort() : set);

describe('ChangedUnits', () => {
  it("knows a commit it is told of without reading the rows: its units, the dong a row left among them, and none of another kind's", async () => {
    const { units, reads, publish } = changedUnits([]);
    units.committed(10, 12, told([['spending', ['가양2동', '갈마1동']]]));
    publish(12);
    units.committed(12, 13, told([['participation', ['진잠동']]]));
    publish(13);
    expect(sorted(await units.changedSince('spending', 10, 13))).toEqual(['가양2동', '갈마1동']);
    expect(sorted(await units.changedSince('spending', 12, 13))).toEqual([]);
    expect(sorted(await units.changedSince('participation', 12, 13))).toEqual(['진잠동']);
    expect(await units.touched('spending', 10, 13, (u) => u === '진잠동')).toBe(false);
    expect(reads.count).toBe(0);
  });

  it('reads the rows for a commit it was not told of, and takes what it is told again once it knows everything before', async () => {
    const { units, reads, publish } = changedUnits([{ kind: 'spending', dong: '중리동', revision: 15 }]);
    // Told out of turn (10–14 unknown): not taken, so not trusted.
    units.committed(14, 15, told([['spending', ['송촌동']]]));
    publish(15);
    expect(sorted(await units.changedSince('spending', 10, 15))).toEqual(['중리동']);
    expect(reads.count).toBe(1);
    units.committed(15, 16, told([['spending', ['덕암동']]]));
    publish(16);
    expect(sorted(await units.changedSince('spending', 15, 16))).toEqual(['덕암동']);
    expect(reads.count).toBe(1);
  });

  it('knows nothing before it began: a span from before is undefined, so no answer is kept on it', async () => {
    const { units } = changedUnits([]);
    units.committed(10, 11, told([['spending', ['가양2동']]]));
    expect(await units.changedSince('spending', 5, 11)).toBeUndefined();
  });
});
