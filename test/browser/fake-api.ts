// A stand-in for the service's API with the shapes of DESIGN.md and service/store/compare/*.sql, for
// browser tests of the page alone. The end-to-end tests run the page against the real service instead.
import { daejeonReference } from '../../domain/reference.ts';
import type { FetchHandler } from './harness.ts';

export const fakeTokens = { manager: 'test-manager-token', dong: 'test-dong-token' } as const;

const errorBody = (code: string, ko: string, en: string) => ({ error: { code, message: { ko, en } } });

const pilot = daejeonReference.dongs.filter((d) => d.joinedPhase === 1);

/** Deterministic figures per pilot dong: phase 1 and phase 2 of the three headline figures. */
export const phaseRows = pilot.map((d, i) => {
  const er1 = 0.6 + i * 0.04;
  const er2 = 0.7 + ((i * 7) % 5) * 0.05;
  const pp1 = 10 + i * 2.5;
  const pp2 = 12 + ((i * 3) % 8) * 2;
  const cr1 = 0.5 + (i % 4) * 0.1;
  const cr2 = 0.6 + ((i + 1) % 4) * 0.1;
  return {
    district: d.district,
    dong: d.code,
    dongName: d.name,
    executionRatePhase1: er1,
    executionRatePhase2: er2,
    executionRateDelta: er2 - er1,
    participantsPer1000Phase1: pp1,
    participantsPer1000Phase2: pp2,
    participantsPer1000Delta: pp2 - pp1,
    completionRatePhase1: cr1,
    completionRatePhase2: cr2,
    completionRateDelta: cr2 - cr1,
  };
});

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const summaryRows = (['executionRate', 'participantsPer1000', 'completionRate'] as const).flatMap((figure) =>
  ([1, 2] as const).flatMap((phase) => {
    const key = `${figure}Phase${phase}` as const;
    const values = phaseRows.map((r) => r[key]);
    const cityMedian = median(values);
    const city = { kind: 'city', district: null, dong: null, dongName: null, phase, figure, value: values.reduce((a, b) => a + b, 0) / values.length, cityMedian, dongsWithData: values.length, phase1Value: null, belowMedian: null, belowPhase1: null, rank: null };
    const dongs = phaseRows
      .map((r) => {
        const value = r[key];
        const phase1Value = r[`${figure}Phase1`];
        return { kind: 'dong', district: r.district, dong: r.dong, dongName: r.dongName, phase, figure, value, cityMedian, dongsWithData: null, phase1Value, belowMedian: value < cityMedian, belowPhase1: phase === 1 ? null : value < phase1Value, rank: null };
      })
      .filter((r) => r.belowMedian || r.belowPhase1);
    return [city, ...dongs];
  }),
);

const spendingRows = phaseRows.flatMap((r) =>
  [1, 2].map((phase) => ({
    district: r.district,
    dong: r.dong,
    dongName: r.dongName,
    phase,
    category: null,
    budgetKrw: phase === 1 ? 156_000_000 : 106_000_000,
    executedKrw: Math.round((phase === 1 ? 156_000_000 : 106_000_000) * (phase === 1 ? r.executionRatePhase1 : r.executionRatePhase2)),
    executionRate: phase === 1 ? r.executionRatePhase1 : r.executionRatePhase2,
    executedPerResident: 5000 + phase * 100,
  })),
);

export function fakeApi(): FetchHandler {
  return async (request) => {
    const url = new URL(request.url);
    const path = url.pathname.replace(/^\/api/, '');
    if (path === '/health') return Response.json({ status: 'ok' });
    const token = request.headers.get('authorization')?.replace(/^Bearer /, '');
    const role = token === fakeTokens.manager ? 'manager' : token === fakeTokens.dong ? 'dong' : null;
    if (!role) return Response.json(errorBody('unauthorized', '토큰이 없거나 올바르지 않습니다.', 'The token is missing or not valid.'), { status: 401 });
    if (path === '/meta' && request.method === 'GET') {
      return Response.json({
        city: daejeonReference.city,
        kinds: [],
        districts: daejeonReference.districts,
        dongs: daejeonReference.dongs,
        phases: daejeonReference.phases,
        me: role === 'manager' ? { name: '관리자', role, dong: null, district: null } : { name: '가양2동 담당', role, dong: pilot[0]!.code, district: pilot[0]!.district },
      });
    }
    const compare = /^\/compare\/(\w+)$/.exec(path);
    if (compare && request.method === 'GET') {
      const name = compare[1];
      if (name === 'phases') return Response.json({ rows: phaseRows });
      if (name === 'summary') return Response.json({ rows: summaryRows });
      if (name === 'spending') {
        const phase = url.searchParams.get('phase');
        return Response.json({ rows: spendingRows.filter((r) => !phase || String(r.phase) === phase) });
      }
      return Response.json({ rows: [] });
    }
    if (path === '/query' && request.method === 'POST') {
      const body = (await request.json()) as { sql?: string };
      if (!body.sql || /\b(insert|update|delete|drop)\b/i.test(body.sql)) {
        return Response.json(errorBody('query_invalid', '읽기 전용 SELECT 문만 실행할 수 있습니다.', 'Only read-only SELECT statements can run.'), { status: 400 });
      }
      return Response.json({ columns: ['dongName', 'phase', 'executedKrw'], rows: spendingRows.map((r) => [r.dongName, r.phase, r.executedKrw]) });
    }
    return Response.json(errorBody('not_found', '없는 주소입니다.', 'Not found.'), { status: 404 });
  };
}
