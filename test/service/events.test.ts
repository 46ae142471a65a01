// GET /api/events: an open pane hears of every committed change its token may see, and of no other.
import { describe, expect, it } from 'vitest';
import { batch, servedPerTest, spendingRow } from '../support/service.ts';

const serve = servedPerTest();

interface RevisionEvent {
  revision: number;
  kinds: string[];
}

/** Reads a server-sent event stream over fetch (as the pane does: EventSource cannot send a token). */
async function listen(base: string, token: string) {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  const events: { event: string; data: RevisionEvent }[] = [];
  let waiting: (() => void) | undefined;
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffered += value;
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as RevisionEvent });
          waiting?.();
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    /** The next event, or fails after `ms` (a change must arrive within a second; the margin is the test machine's). */
    async next(ms = 5000): Promise<{ event: string; data: RevisionEvent }> {
      const deadline = Date.now() + ms;
      while (events.length === 0) {
        if (Date.now() > deadline) throw new Error('no event');
        await new Promise<void>((resolve) => {
          waiting = resolve;
          setTimeout(resolve, 50);
        });
      }
      return events.shift()!;
    },
    close: () => controller.abort(),
  };
}

const meeting = (dong: string) => ({ dong, phase: 1, date: '2019-03-20', activity: '분과위원회', title: '분과 회의', participants: 12 });

describe('GET /api/events', () => {
  it('tells each pane of the changes its token may see: the dong its own, the manager every one', async () => {
    const { svc, base } = await serve();
    const dong = await listen(base, svc.tokens.dong);
    const manager = await listen(base, svc.tokens.manager);
    try {
      // Another dong's change: the manager hears of it, the 가양2동 official does not.
      const other = await svc.json('POST', '/api/sync/participation', 'otherDong', batch([{ values: meeting('갈마1동') }]));
      expect(other.status).toBe(200);
      expect(await manager.next()).toEqual({ event: 'revision', data: { revision: other.body.revision, kinds: ['participation'] } });

      const own = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ values: spendingRow() }]));
      expect(own.status).toBe(200);
      expect(await dong.next()).toEqual({ event: 'revision', data: { revision: own.body.revision, kinds: ['spending'] } });
      expect(await manager.next()).toEqual({ event: 'revision', data: { revision: own.body.revision, kinds: ['spending'] } });
      expect(dong.events).toEqual([]);
    } finally {
      dong.close();
      manager.close();
    }
  });

  it('a district official hears of its dongs and its own rows; a deletion is a change too', async () => {
    const { svc, base } = await serve();
    const district = await listen(base, svc.tokens.district);
    try {
      const stored = await svc.json('POST', '/api/sync/participation', 'district', batch([{ values: { ...meeting('대덕구'), activity: '워킹그룹' } }]));
      expect(stored.status).toBe(200);
      expect((await district.next()).data).toEqual({ revision: stored.body.revision, kinds: ['participation'] });
      const row = stored.body.results[0];
      const deleted = await svc.json('POST', '/api/sync/participation', 'district', batch([], [{ rowId: row.rowId, baseRevision: row.revision }]));
      expect(deleted.status).toBe(200);
      expect((await district.next()).data).toEqual({ revision: deleted.body.revision, kinds: ['participation'] });
    } finally {
      district.close();
    }
  });

  it("a city's manager hears of its city's changes, never another city's", async () => {
    const { svc, base } = await serve();
    const sejong = {
      city: '세종특별자치시',
      districts: [{ code: '36110', name: '세종시' }],
      dongs: [{ code: '36110-hansol', name: '한솔동', district: '36110', adminCode: null, joinedPhase: 1, population: {}, populationIllustrative: false }],
      phases: [{ phase: 1, name: '1단계', year: 2021, start: '2021-01-01', end: '2021-12-31' }],
    };
    expect((await svc.json('PUT', '/api/reference', 'admin', sejong)).status).toBe(200);
    const daejeon = await listen(base, (await svc.store.createToken({ role: 'manager', city: '30', name: '대전 관리자' })).token);
    const everyCity = await listen(base, svc.tokens.manager);
    try {
      const elsewhere = await svc.json('POST', '/api/sync/participation', 'admin', batch([{ values: { ...meeting('한솔동'), date: '2021-03-20' } }]));
      expect(elsewhere.status).toBe(200);
      expect((await everyCity.next()).data.revision).toBe(elsewhere.body.revision);
      const own = await svc.json('POST', '/api/sync/participation', 'otherDong', batch([{ values: meeting('갈마1동') }]));
      expect((await daejeon.next()).data).toEqual({ revision: own.body.revision, kinds: ['participation'] });
      expect((await everyCity.next()).data.revision).toBe(own.body.revision);
      // Sejong's change never reached the Daejeon manager's pane.
      expect(daejeon.events).toEqual([]);
    } finally {
      daejeon.close();
      everyCity.close();
    }
  });

  it('needs a token, and stops watching when the last pane closes', async () => {
    const { svc, base } = await serve();
    expect((await fetch(`${base}/api/events`)).status).toBe(401);
    const pane = await listen(base, svc.tokens.analyst);
    await waitFor(() => svc.store.changes.listening === 1);
    pane.close();
    await waitFor(() => svc.store.changes.listening === 0);
  });
});

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 20));
  }
}
