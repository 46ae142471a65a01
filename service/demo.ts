import { randomUUID } from 'node:crypto';
import { formatYmd, type Kind } from '../domain/index.ts';
import { type Store, type Actor } from './store/store.ts';

/**
 * The Daejeon pilot demo (shared/reference/daejeon-pilot.md). Real where the sources give it: the
 * 8 pilot dongs, 156 million won each in 2019 and 106 million in 2020, the support officer's
 * (40 million) and secretary's (12 million) yearly pay, briefing, launch and assembly dates and the
 * reported attendance. Everything else (the split of the rest, executions, most counts, the
 * phase-2 dongs' figures) is illustrative, and its note says 예시.
 */
type Values = Record<string, string | number | boolean | null>;

const pilot = {
  '30110-gayang2': { briefing: '2018-12-06', launch: '2019-04-22', assembly: '2019-11-09' },
  '30170-galma1': { briefing: '2018-12-06', launch: '2019-06-04', assembly: '2019-11-16' },
  '30200-jinjam': { briefing: '2018-12-11', launch: '2019-05-01', assembly: '2019-08-05' },
  '30200-wonsinheung': { briefing: '2018-12-11', launch: '2019-05-01', assembly: '2019-07-25' },
  '30200-oncheon1': { briefing: '2018-12-11', launch: '2019-05-01', assembly: '2019-08-06' },
  '30230-songchon': { briefing: '2018-12-12', launch: '2019-05-14', assembly: '2019-10-26' },
  '30230-jungni': { briefing: '2018-12-12', launch: '2019-05-14', assembly: '2019-10-19' },
  '30230-deogam': { briefing: '2018-12-12', launch: '2019-05-14', assembly: '2019-11-02' },
} as const;
/** Assemblies whose dates the press reported (the others' dates are illustrative). */
const reportedAssemblies = new Set(['30200-wonsinheung', '30200-jinjam', '30200-oncheon1']);

const joiners2020 = [
  '30170-doma1',
  '30170-doma2',
  '30170-wolpyeong2',
  '30230-ojeong',
  '30230-daehwa',
  '30230-hoedeok',
  '30230-birae',
  '30230-beop1',
  '30230-beop2',
  '30230-sintanjin',
  '30230-seokbong',
  '30230-moksang',
];

/** A small deterministic generator, so the demo is the same every time. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

const illustrative = '예시';
const ymd = formatYmd;
const won = 1_000_000;

export function demoRows(): Record<Kind, Values[]> {
  const r = random(2019);
  const spending: Values[] = [];
  const participation: Values[] = [];
  const progress: Values[] = [];

  const lines2019: [string, number, string][] = [
    ['자치지원관 인건비', 40 * won, '자치지원관 보수 (연 4천만원, 언론 보도)'],
    ['간사 인건비', 12 * won, '간사 보수 (연 1천2백만원, 언론 보도)'],
    ['주민자치학교 운영비', 20 * won, `주민자치학교 강사료·교재 (${illustrative})`],
    ['사무공간 조성비', 30 * won, `주민자치회 사무공간 (${illustrative})`],
    ['자체 사업비', 54 * won, `자치계획 사업 (${illustrative})`],
  ];
  const lines2020: [string, number, string][] = [
    ['자치지원관 인건비', 40 * won, '자치지원관 보수'],
    ['간사 인건비', 12 * won, '간사 보수'],
    ['주민자치학교 운영비', 10 * won, `주민자치학교 (${illustrative})`],
    ['사무공간 조성비', 4 * won, `사무공간 유지 (${illustrative})`],
    ['자체 사업비', 40 * won, `자치계획 사업 (${illustrative})`],
  ];

  for (const [dong, dates] of Object.entries(pilot)) {
    for (const [phase, year, lines] of [
      [1, 2019, lines2019],
      [2, 2020, lines2020],
    ] as const) {
      for (const [category, budget, item] of lines) {
        const pay = category.endsWith('인건비');
        // Pay is executed in full; the rest between 70% and 100%, in thousands of won.
        const executed = pay ? budget : Math.round((budget * r.int(70, 100)) / 100 / 1000) * 1000;
        spending.push({
          dong,
          phase,
          fiscalYear: year,
          category,
          item,
          fundingSource: '특별교부세',
          budgetKrw: budget,
          executedKrw: executed,
          executedOn: ymd(year, 12, r.int(10, 28)),
          note: pay ? `예산은 시 자료, 집행액은 ${illustrative}` : `비목 배분·집행액 ${illustrative}`,
        });
      }
    }

    participation.push(
      { dong, phase: 1, date: dates.briefing, activity: '주민설명회·토론회', title: '찾아가는 주민설명회', participants: r.int(40, 90), newParticipants: null, votes: null, online: false, note: `날짜는 보도 자료, 인원은 ${illustrative}` },
      { dong, phase: 1, date: ymd(2019, r.int(2, 3), r.int(10, 28)), activity: '주민자치학교', title: '주민자치학교 (위원 자격 교육)', participants: r.int(70, 110), newParticipants: r.int(50, 70), votes: null, online: false, note: illustrative },
      { dong, phase: 1, date: dates.launch, activity: '기타', title: '주민자치회 발대식', participants: r.int(80, 150), newParticipants: null, votes: null, online: false, note: `날짜는 보도 자료, 인원은 ${illustrative}` },
      dong === '30170-galma1'
        ? { dong, phase: 1, date: dates.assembly, activity: '주민총회', title: '2019 주민총회 (의제 9건)', participants: 400, newParticipants: null, votes: 387, online: false, note: '참여 약 400명은 보도 자료, 날짜·투표수는 예시' }
        : { dong, phase: 1, date: dates.assembly, activity: '주민총회', title: '2019 주민총회', participants: r.int(180, 350), newParticipants: r.int(60, 150), votes: r.int(150, 330), online: false, note: reportedAssemblies.has(dong) ? `날짜는 보도 자료, 인원은 ${illustrative}` : illustrative },
      { dong, phase: 1, date: ymd(2019, r.int(6, 11), r.int(10, 28)), activity: '분과위원회', title: '분과위원회 정기회의', participants: r.int(12, 30), newParticipants: null, votes: null, online: false, note: illustrative },
      { dong, phase: 2, date: ymd(2020, r.int(3, 6), r.int(10, 28)), activity: '주민자치회 회의', title: '주민자치회 정기회의', participants: r.int(25, 49), newParticipants: null, votes: null, online: r.next() < 0.5, note: illustrative },
      { dong, phase: 2, date: ymd(2020, r.int(9, 11), r.int(10, 28)), activity: '주민총회', title: '2020 주민총회 (온·오프라인)', participants: r.int(250, 600), newParticipants: r.int(80, 200), votes: r.int(400, 1300), online: true, note: illustrative },
      { dong, phase: 2, date: ymd(2020, r.int(6, 9), r.int(10, 28)), activity: '마을의제 발굴', title: '마을의제 발굴 토론회', participants: r.int(30, 80), newParticipants: r.int(5, 30), votes: null, online: r.next() < 0.5, note: illustrative },
    );

    const done = (milestone: string, plannedOn: string, completedOn: string, note = illustrative) =>
      progress.push({ dong, phase: 1, milestone, plannedOn, completedOn, status: '완료', progressPct: 100, note });
    done('시범조례 제·개정', '2018-12-31', ymd(2018, 12, r.int(20, 28)));
    done('동장 직위공모', '2019-01-31', ymd(2019, 1, r.int(15, 31)));
    done('자치지원관 선발', '2019-02-28', ymd(2019, r.int(2, 3), r.int(10, 28)));
    done('주민자치학교 운영', '2019-03-31', ymd(2019, 3, r.int(20, 31)));
    done('위원 선정', '2019-04-15', ymd(2019, 4, r.int(5, 20)));
    done('주민자치회 발대식', '2019-05-15', dates.launch, '완료일은 보도 자료');
    done('자치규약 제정', '2019-06-30', ymd(2019, r.int(6, 7), r.int(10, 28)));
    done('분과위원회 구성', '2019-06-30', ymd(2019, r.int(6, 7), r.int(1, 28)));
    done('자치계획 수립', '2019-09-30', ymd(2019, r.int(9, 10), r.int(10, 28)));
    done('주민총회 개최', '2019-10-31', dates.assembly, reportedAssemblies.has(dong) ? '완료일은 보도 자료' : illustrative);
    const late = r.next() < 0.4;
    progress.push({
      dong,
      phase: 2,
      milestone: '자치계획 실행',
      plannedOn: '2020-12-31',
      completedOn: late ? null : ymd(2020, 12, r.int(10, 28)),
      status: late ? '지연' : '완료',
      progressPct: late ? r.int(50, 90) : 100,
      note: illustrative,
    });
    progress.push({ dong, phase: 2, milestone: '주민총회 개최', plannedOn: '2020-10-31', completedOn: ymd(2020, r.int(9, 11), r.int(10, 28)), status: '완료', progressPct: 100, note: illustrative });
  }

  for (const dong of joiners2020) {
    participation.push(
      { dong, phase: 2, date: ymd(2020, r.int(3, 6), r.int(10, 28)), activity: '주민자치학교', title: '주민자치학교', participants: r.int(40, 100), newParticipants: r.int(30, 60), votes: null, online: r.next() < 0.5, note: illustrative },
      { dong, phase: 2, date: ymd(2020, r.int(10, 12), r.int(10, 28)), activity: '주민총회', title: '2020 주민총회', participants: r.int(120, 400), newParticipants: r.int(50, 150), votes: r.int(100, 700), online: true, note: illustrative },
    );
    const assembled = r.next() < 0.7;
    progress.push(
      { dong, phase: 2, milestone: '위원 선정', plannedOn: '2020-05-31', completedOn: ymd(2020, r.int(5, 7), r.int(10, 28)), status: '완료', progressPct: 100, note: illustrative },
      { dong, phase: 2, milestone: '주민자치회 발대식', plannedOn: '2020-07-31', completedOn: ymd(2020, r.int(7, 8), r.int(10, 28)), status: '완료', progressPct: 100, note: illustrative },
      { dong, phase: 2, milestone: '주민총회 개최', plannedOn: '2020-11-30', completedOn: assembled ? ymd(2020, r.int(11, 12), r.int(1, 28)) : null, status: assembled ? '완료' : '진행중', progressPct: assembled ? 100 : r.int(40, 80), note: illustrative },
    );
  }
  return { spending, participation, progress };
}

const demoActor: Actor = { tokenId: 'demo', name: '데모 데이터', role: 'admin', dong: null, district: null };

/** Fills an empty database with the demo through the same rules and batches as the sync API. */
export async function loadDemo(store: Store): Promise<Record<Kind, number>> {
  const counts = { spending: 0, participation: 0, progress: 0 } as Record<Kind, number>;
  for (const [kind, rows] of Object.entries(demoRows()) as [Kind, Values[]][]) {
    const answer = await store.sync(kind, { batchId: randomUUID(), rows: rows.map((values) => ({ rowId: randomUUID(), baseRevision: null, values })), deletes: [] }, demoActor, 'demo (daejeon-pilot.md)');
    const refused = answer.results.filter((x) => x.status !== 'accepted');
    if (refused.length > 0) throw new Error(`demo ${kind}: ${JSON.stringify(refused[0])}`);
    counts[kind] = answer.results.length;
  }
  return counts;
}

export const demoRoles = [
  { role: 'dong', dong: '30110-gayang2', name: '가양2동 담당 (데모)' },
  { role: 'district', district: '30230', name: '대덕구 담당 (데모)' },
  { role: 'analyst', name: '분석가 (데모)' },
  { role: 'manager', name: '시 담당 관리자 (데모)' },
  { role: 'admin', name: '관리자 (데모)' },
] as const;
