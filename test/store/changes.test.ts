import { describe, expect, it } from 'vitest';
import { ChangeFeed } from '../../service/store/changes.ts';
import type { Readers } from '../../service/store/readers.ts';

describe('the change feed when the service stops', () => {
  it('ends every open stream, and a stream opened after the stop began at once', async () => {
    // Nothing changes in this test, so the feed never reads.
    const feed = new ChangeFeed(() => 0, {} as Readers, 60_000);
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
