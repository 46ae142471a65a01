import { randomUUID } from 'node:crypto';
import { crossKindOrder, daejeonReference, formatYmd, kinds, type Kind } from '../domain/index.ts';
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

/**
 * Why each demo dong the summary flags is flagged: a reason a manager would accept, built into the
 * rows on purpose (tests check that exactly these are flagged). Every other dong's figures stay
 * within its group's usual spread.
 */
export const demoFlags = {
  '30200-oncheon1': '2020년 자체 사업비 대부분을 코로나19로 이월 (사업비 집행률 하락·낮음)',
  '30230-jungni': '2020년 자치계획 실행 지연: 가결한 의제 절반을 못 끝냄 (완료율·의제 완료율 하락·낮음)',
  '30230-beop2': '2020년 주민총회를 온라인으로만 열어 투표자가 적음 (주민총회 참여율 낮음)',
  '30230-moksang': '2020년 주민총회를 2021년으로 미룸 (완료율 낮음)',
} as const;

/** The budget lines of the pilot dongs, per year: pay, school, office and the council's own programme. */
const pilotLines = {
  2019: [
    ['자치지원관 인건비', 40 * won, '자치지원관 보수 (연 4천만원, 언론 보도)'],
    ['간사 인건비', 12 * won, '간사 보수 (연 1천2백만원, 언론 보도)'],
    ['주민자치학교 운영비', 20 * won, `주민자치학교 강사료·교재 (${illustrative})`],
    ['사무공간 조성비', 30 * won, `주민자치회 사무공간 (${illustrative})`],
    ['자체 사업비', 54 * won, `자치계획 사업 (${illustrative})`],
  ],
  2020: [
    ['자치지원관 인건비', 40 * won, '자치지원관 보수'],
    ['간사 인건비', 12 * won, '간사 보수'],
    ['주민자치학교 운영비', 10 * won, `주민자치학교 (${illustrative})`],
    ['사무공간 조성비', 4 * won, `사무공간 유지 (${illustrative})`],
    ['자체 사업비', 40 * won, `자치계획 사업 (${illustrative})`],
  ],
} satisfies Record<number, [string, number, string][]>;

const population = (dong: string, year: number) => daejeonReference.dongs.find((d) => d.code === dong)!.population[String(year)]!;
/** Voters for a turnout per 1,000 residents. */
const voters = (dong: string, year: number, per1000: number) => Math.round((population(dong, year) * per1000) / 1000);

/** One event row, its fields in the sheet's order (the demo's draws are made in that order too). */
const event = (
  dong: string,
  phase: number,
  date: string,
  activity: string,
  title: string,
  participants: number,
  newParticipants: number | null,
  voters: number | null,
  votersOnline: number | null,
  online: boolean,
  note: string,
): Values => ({
  dong,
  phase,
  date,
  activity,
  title,
  participants,
  newParticipants,
  voters,
  votersOnline,
  online,
  note,
});

type Random = ReturnType<typeof random>;
type Dates = (typeof pilot)[keyof typeof pilot];

/** A pilot dong's budget lines of both years. */
function pilotSpending(r: Random, dong: string, spending: Values[]): void {
  // Each dong executes its own lines at much the same rate in both years (its own habits), a
  // little better in the second; pay is executed in full. The rest of each line is returned.
  const base = r.int(88, 92);
  for (const [phase, year, lines] of [
    [1, 2019, pilotLines[2019]],
    [2, 2020, pilotLines[2020]],
  ] as const) {
    for (const [category, budget, item] of lines) {
      const pay = category.endsWith('인건비');
      const covid = dong === '30200-oncheon1' && year === 2020 && category === '자체 사업비';
      const rate = pay ? 100 : covid ? 30 : base + phase - 1 + r.int(-1, 1);
      const executed = Math.round((budget * rate) / 100 / 1000) * 1000;
      const carriedOver = covid ? 24 * won : 0;
      spending.push({
        dong,
        phase,
        fiscalYear: year,
        category,
        item,
        fundingSource: '특별교부세',
        budgetKrw: budget,
        executedKrw: executed,
        carriedOverKrw: carriedOver,
        returnedKrw: budget - executed - carriedOver,
        executedOn: ymd(year, 12, r.int(10, 28)),
        agenda: null,
        note: pay ? `예산은 시 자료, 집행액은 ${illustrative}` : covid ? `코로나19로 사업 일부를 2021년으로 이월 (${illustrative})` : `비목 배분·집행액 ${illustrative}`,
      });
    }
  }
}

/** A pilot dong's events of both years: school, launch, assemblies, meetings. */
function pilotParticipation(r: Random, dong: string, dates: Dates, participation: Values[]): void {
  const galma = dong === '30170-galma1';
  const turnout2019 = galma ? 387 : voters(dong, 2019, 12 + r.int(0, 30) / 10);
  const turnout2020 = voters(dong, 2020, 21 + r.int(0, 30) / 10);
  participation.push(
    event(dong, 1, dates.briefing, '주민설명회·토론회', '찾아가는 주민설명회', r.int(40, 90), null, null, null, false, `날짜는 보도 자료, 인원은 ${illustrative}`),
    event(dong, 1, ymd(2019, r.int(2, 3), r.int(10, 28)), '주민자치학교', '주민자치학교 (위원 자격 교육)', r.int(70, 110), r.int(50, 70), null, null, false, illustrative),
    event(dong, 1, dates.launch, '기타', '주민자치회 발대식', r.int(80, 150), null, null, null, false, `날짜는 보도 자료, 인원은 ${illustrative}`),
    galma
      ? event(dong, 1, dates.assembly, '주민총회', '2019 주민총회 (의제 9건)', 400, null, turnout2019, null, false, '참여 약 400명은 보도 자료, 날짜·투표자 수는 예시')
      : event(
          dong,
          1,
          dates.assembly,
          '주민총회',
          '2019 주민총회',
          turnout2019 + r.int(10, 40),
          r.int(60, 150),
          turnout2019,
          null,
          false,
          reportedAssemblies.has(dong) ? `날짜는 보도 자료, 인원은 ${illustrative}` : illustrative,
        ),
    event(dong, 1, ymd(2019, r.int(6, 11), r.int(10, 28)), '분과위원회', '분과위원회 정기회의', r.int(12, 30), null, null, null, false, illustrative),
    event(dong, 2, ymd(2020, r.int(3, 6), r.int(10, 28)), '주민자치회 회의', '주민자치회 정기회의', r.int(25, 49), null, null, null, r.next() < 0.5, illustrative),
    event(
      dong,
      2,
      ymd(2020, r.int(9, 11), r.int(10, 28)),
      '주민총회',
      '2020 주민총회 (온·오프라인)',
      Math.round(turnout2020 * 0.6),
      Math.round((turnout2020 * 0.6 * r.int(20, 40)) / 100),
      turnout2020,
      Math.round((turnout2020 * r.int(40, 60)) / 100),
      true,
      illustrative,
    ),
    event(dong, 2, ymd(2020, r.int(6, 9), r.int(10, 28)), '마을의제 발굴', '마을의제 발굴 토론회', r.int(30, 80), r.int(5, 30), null, null, r.next() < 0.5, illustrative),
  );
}

/** A pilot dong's milestones: the ten steps of phase 1, then the three expected of it in phase 2. */
function pilotProgress(r: Random, dong: string, dates: Dates, progress: Values[]): void {
  // Phase 1: the ten steps up to the first 주민총회, every one done (the city's report).
  const done = (phase: number, milestone: string, plannedOn: string, completedOn: string, note = illustrative) =>
    progress.push({ dong, phase, milestone, plannedOn, completedOn, status: '완료', progressPct: 100, note });
  done(1, '시범조례 제·개정', '2018-12-31', ymd(2018, 12, r.int(20, 28)));
  done(1, '동장 직위공모', '2019-01-31', ymd(2019, 1, r.int(15, 31)));
  done(1, '자치지원관 선발', '2019-02-28', ymd(2019, r.int(2, 3), r.int(10, 28)));
  done(1, '주민자치학교 운영', '2019-03-31', ymd(2019, 3, r.int(20, 31)));
  done(1, '위원 선정', '2019-04-15', ymd(2019, 4, r.int(5, 20)));
  done(1, '주민자치회 발대식', '2019-05-15', dates.launch, `완료일은 보도 자료, 계획일은 ${illustrative}`);
  done(1, '자치규약 제정', '2019-06-30', ymd(2019, r.int(6, 7), r.int(10, 28)));
  done(1, '분과위원회 구성', '2019-06-30', ymd(2019, r.int(6, 7), r.int(1, 28)));
  done(1, '자치계획 수립', '2019-09-30', ymd(2019, r.int(9, 10), r.int(10, 28)));
  done(1, '주민총회 개최', '2019-10-31', dates.assembly, reportedAssemblies.has(dong) ? `완료일은 보도 자료, 계획일은 ${illustrative}` : illustrative);
  // Phase 2: the three steps expected of the pilot dongs in their second year.
  done(2, '자치계획 수립', '2020-06-30', ymd(2020, r.int(6, 7), r.int(1, 28)));
  done(2, '주민총회 개최', '2020-10-31', ymd(2020, r.int(9, 11), r.int(10, 28)));
  if (dong === '30230-jungni') {
    progress.push({
      dong,
      phase: 2,
      milestone: '자치계획 실행',
      plannedOn: '2020-12-31',
      completedOn: null,
      status: '지연',
      progressPct: 40,
      note: `코로나19로 사업 착수가 늦어짐 (${illustrative})`,
    });
  } else {
    done(2, '자치계획 실행', '2020-12-31', ymd(2020, 12, r.int(10, 28)));
  }
}

/** A dong that joined in 2020: its school and assembly, and the first ten steps in its first year. */
function joinerRows(r: Random, dong: string, participation: Values[], progress: Values[]): void {
  const turnout = dong === '30230-beop2' ? voters(dong, 2020, 4) : voters(dong, 2020, 15 + r.int(0, 30) / 10);
  participation.push(
    event(dong, 2, ymd(2020, r.int(3, 6), r.int(10, 28)), '주민자치학교', '주민자치학교', r.int(40, 100), r.int(25, 40), null, null, r.next() < 0.5, illustrative),
    dong === '30230-beop2'
      ? event(
          dong,
          2,
          ymd(2020, 11, r.int(10, 28)),
          '주민총회',
          '2020 주민총회 (온라인으로만 개최)',
          turnout,
          Math.round((turnout * r.int(20, 40)) / 100),
          turnout,
          turnout,
          true,
          `온라인으로만 열림 (${illustrative})`,
        )
      : event(
          dong,
          2,
          ymd(2020, r.int(10, 12), r.int(10, 28)),
          '주민총회',
          '2020 주민총회',
          Math.round(turnout * 0.7),
          Math.round((turnout * 0.7 * r.int(20, 40)) / 100),
          turnout,
          Math.round((turnout * r.int(30, 50)) / 100),
          true,
          illustrative,
        ),
  );
  // The first ten steps, expected of the dongs that joined in phase 2, in their first year.
  const steps: [string, string][] = [
    ['시범조례 제·개정', '2020-01-31'],
    ['동장 직위공모', '2020-02-29'],
    ['자치지원관 선발', '2020-03-31'],
    ['주민자치학교 운영', '2020-04-30'],
    ['위원 선정', '2020-05-31'],
    ['주민자치회 발대식', '2020-07-31'],
    ['자치규약 제정', '2020-08-31'],
    ['분과위원회 구성', '2020-08-31'],
    ['자치계획 수립', '2020-10-31'],
    ['주민총회 개최', '2020-11-30'],
  ];
  for (const [milestone, plannedOn] of steps) {
    const postponed = dong === '30230-moksang' && milestone === '주민총회 개최';
    const month = Number(plannedOn.slice(5, 7));
    progress.push(
      postponed
        ? { dong, phase: 2, milestone, plannedOn, completedOn: null, status: '보류', progressPct: 50, note: `코로나19로 2021년에 열기로 함 (${illustrative})` }
        : { dong, phase: 2, milestone, plannedOn, completedOn: ymd(2020, Math.max(1, month + r.int(-1, 0)), r.int(1, 28)), status: '완료', progressPct: 100, note: illustrative },
    );
  }
}

export function demoRows(): Record<Kind, Values[]> {
  const r = random(2019);
  const spending: Values[] = [];
  const participation: Values[] = [];
  const progress: Values[] = [];
  // The same draws in the same order as ever: the demo's figures, and its four flags, stay as they are.
  for (const [dong, dates] of Object.entries(pilot)) {
    pilotSpending(r, dong, spending);
    pilotParticipation(r, dong, dates, participation);
    pilotProgress(r, dong, dates, progress);
  }
  for (const dong of joiners2020) joinerRows(r, dong, participation, progress);
  const { agendas, council } = councilWork(r, participation);
  const above = workAboveTheDong(r);
  participation.push(...above.participation);
  progress.push(...above.progress);
  // Each dong's own programme line carries out the first agenda of that year's plan (관련 의제).
  for (const line of spending) {
    if (line.category !== '자체 사업비') continue;
    line.agenda = (agendas.find((a) => a.dong === line.dong && a.fiscalYear === line.fiscalYear)?.title as string | undefined) ?? null;
  }
  return { spending, participation, progress, agendas, council };
}

/**
 * The pilot's work above the dong, from the city's report: the 토론회 of 2018-09 (about 300 people
 * from 79 dongs), the 관계자 워크숍 of 2019-03 (45), 4 워킹그룹 and 6 실무협의회 meetings from 2019-03,
 * 3 sessions of 전문가 양성교육 (2019-02..03), the 주민자치회장 워크숍 of 2019-05-30 (79 dongs), and
 * each pilot district's ordinance (시범조례). Days the report does not give, and counts it does
 * not give, are illustrative (예시). These rows name the city or a district, never a dong.
 */
function workAboveTheDong(r: ReturnType<typeof random>): { participation: Values[]; progress: Values[] } {
  const city = daejeonReference.city;
  const event = (date: string, activity: string, title: string, participants: number, note: string): Values => ({
    dong: city,
    phase: 1,
    date,
    activity,
    title,
    participants,
    newParticipants: null,
    voters: null,
    votersOnline: null,
    online: false,
    note,
  });
  const participation: Values[] = [
    event('2018-09-12', '주민설명회·토론회', '주민자치 토론회 (79개 동)', 300, '2018년 9월, 약 300명은 시 자료; 날짜의 일은 예시'),
    event('2019-02-20', '교육·워크숍', '전문가 양성교육 1회차', r.int(25, 40), `2019년 2–3월 3회는 시 자료; 날짜·인원은 ${illustrative}`),
    event('2019-03-06', '교육·워크숍', '전문가 양성교육 2회차', r.int(25, 40), `2019년 2–3월 3회는 시 자료; 날짜·인원은 ${illustrative}`),
    event('2019-03-20', '교육·워크숍', '전문가 양성교육 3회차', r.int(25, 40), `2019년 2–3월 3회는 시 자료; 날짜·인원은 ${illustrative}`),
    event('2019-03-14', '교육·워크숍', '관계자 워크숍', 45, '2019년 3월, 45명은 시 자료; 날짜의 일은 예시'),
    event('2019-05-30', '교육·워크숍', '주민자치회장 워크숍 (79개 동)', r.int(70, 90), `날짜는 시 자료, 인원은 ${illustrative}`),
    ...Array.from({ length: 4 }, (_, i) =>
      event(ymd(2019, 3 + i * 2, r.int(5, 25)), '워킹그룹', `워킹그룹 ${i + 1}차 회의`, r.int(10, 16), `2019년 3월부터 4회는 시 자료; 날짜·인원은 ${illustrative}`),
    ),
    ...Array.from({ length: 6 }, (_, i) =>
      event(ymd(2019, 3 + i, r.int(5, 25)), '실무협의회', `실무협의회 ${i + 1}차 회의`, r.int(8, 14), `2019년 3월부터 6회는 시 자료; 날짜·인원은 ${illustrative}`),
    ),
  ];
  const progress: Values[] = ['30110', '30170', '30200', '30230'].map((district) => ({
    dong: district,
    phase: 1,
    milestone: '시범조례 제·개정',
    plannedOn: '2018-12-31',
    completedOn: ymd(2018, 12, r.int(10, 28)),
    status: '완료',
    progressPct: 100,
    note: `구 시범조례; 날짜는 ${illustrative}`,
  }));
  return { participation, progress };
}

/** 유성구's pilot dongs chose 49 members each by lottery from 70–110 applicants (the press). */
const yuseong = new Set(['30200-jinjam', '30200-wonsinheung', '30200-oncheon1']);
const agendaTopics = ['마을 환경 정비', '어르신 돌봄 나눔', '청소년 문화 공간', '골목 안전 지킴이', '마을 축제', '공유 텃밭', '마을 도서관', '재활용 나눔 장터', '주민 소통 신문'];

/**
 * The council's own work: each dong's 자치계획 agendas and its make-up. Real where the sources give
 * it — 갈마1동's 9 agendas at its 2019 assembly of about 400, 유성's 49 members chosen by lottery from
 * 70–110 applicants; the rest illustrative (예시). Every adopted agenda of the pilot dongs was carried
 * out, but 중리동's 2020 plan (지연, as its progress says); the newcomers adopted their first plans
 * at the end of 2020, to be carried out in 2021.
 */
/** The helpers that write a dong's agendas: its assembly of a year, the voters on an agenda, an agenda row. */
function agendaWriter(r: Random, participation: readonly Values[], agendas: Values[]) {
  /** The dong's 주민총회 of that year: its day and voters (an agenda's votes never exceed them). */
  const assemblyOf = (dong: string, year: number) => {
    const row = participation.find((p) => p.dong === dong && p.activity === '주민총회' && String(p.date).startsWith(String(year)))!;
    return { on: row.date as string, voters: row.voters as number };
  };
  /** Of the assembly's voters, most vote on each agenda (some leave before every vote). */
  const votersOn = (dong: string, year: number) => Math.round((assemblyOf(dong, year).voters * r.int(85, 100)) / 100);
  const agenda = (dong: string, phase: number, year: number, title: string, assemblyOn: string, voters: number, status: string, completedOn: string | null, note: string) => {
    const against = r.int(2, Math.max(3, Math.round(voters * 0.1)));
    agendas.push({
      dong,
      phase,
      fiscalYear: year,
      title,
      subcommittee: null,
      proposedOn: ymd(year, r.int(3, 6), r.int(1, 28)),
      assemblyOn,
      votesFor: voters - against,
      votesAgainst: against,
      adopted: true,
      estimatedCostKrw: r.int(2, 12) * won,
      fundingRoute: '자체 사업비',
      status,
      completedOn,
      note,
    });
  };
  return { assemblyOf, votersOn, agenda };
}

type AgendaWriter = ReturnType<typeof agendaWriter>;

/** A pilot dong's agendas of both years and its council in each. */
function pilotCouncil(r: Random, dong: string, dates: Dates, { assemblyOf, votersOn, agenda }: AgendaWriter, council: Values[]): void {
  const galma = dong === '30170-galma1';
  const n2019 = galma ? 9 : r.int(5, 8);
  for (let i = 0; i < n2019; i++) {
    agenda(
      dong,
      1,
      2019,
      agendaTopics[(i + r.int(0, 8)) % agendaTopics.length]! + (i > 0 ? ` ${i + 1}` : ''),
      dates.assembly,
      votersOn(dong, 2019),
      '완료',
      ymd(2019, 12, r.int(1, 28)),
      galma ? '의제 9건은 보도 자료, 찬반·사업비는 예시' : illustrative,
    );
  }
  const late = dong === '30230-jungni';
  for (let i = 0; i < r.int(5, 7); i++) {
    agenda(
      dong,
      2,
      2020,
      `${agendaTopics[(i + 3) % agendaTopics.length]!} (2020)${i > 0 ? ` ${i + 1}` : ''}`,
      assemblyOf(dong, 2020).on,
      votersOn(dong, 2020),
      late && i % 2 === 0 ? '실행중' : '완료',
      late && i % 2 === 0 ? null : ymd(2020, 12, r.int(1, 28)),
      late && i % 2 === 0 ? `코로나19로 늦어짐 (${illustrative})` : illustrative,
    );
  }
  for (const [phase, year, asOf] of [
    [1, 2019, dates.launch],
    [2, 2020, '2020-03-31'],
  ] as const) {
    const chosen = yuseong.has(dong);
    const members = chosen ? 49 : r.int(32, 48);
    council.push({
      dong,
      phase,
      fiscalYear: year,
      asOf,
      seats: 50,
      applicants: chosen ? r.int(70, 110) : r.int(50, 90),
      selectedByLottery: chosen ? 49 : Math.round((members * r.int(70, 100)) / 100),
      members,
      women: Math.round((members * r.int(40, 55)) / 100),
      youth: Math.round((members * r.int(5, 15)) / 100),
      subcommittees: r.int(3, 5),
      trainingCompleted: members,
      note: chosen ? `위원 49명 추첨 선정, 신청 70–110명은 보도 자료; 그 밖의 값은 ${illustrative}` : illustrative,
    });
  }
}

/** A dong that joined in 2020: its council, and the plan its first assembly adopted. */
function joinerCouncil(r: Random, dong: string, { assemblyOf, votersOn, agenda }: AgendaWriter, council: Values[]): void {
  const members = r.int(25, 40);
  council.push({
    dong,
    phase: 2,
    fiscalYear: 2020,
    asOf: '2020-08-31',
    seats: 40,
    applicants: r.int(35, 70),
    selectedByLottery: Math.round((members * r.int(60, 100)) / 100),
    members,
    women: Math.round((members * r.int(40, 55)) / 100),
    youth: Math.round((members * r.int(5, 15)) / 100),
    subcommittees: r.int(2, 4),
    trainingCompleted: members,
    note: illustrative,
  });
  if (dong === '30230-moksang') return; // its assembly moved to 2021: no agenda put yet
  for (let i = 0; i < r.int(3, 5); i++) {
    agenda(
      dong,
      2,
      2020,
      `${agendaTopics[(i + 5) % agendaTopics.length]!}${i > 0 ? ` ${i + 1}` : ''}`,
      assemblyOf(dong, 2020).on,
      votersOn(dong, 2020),
      '가결',
      null,
      `2021년에 추진 (${illustrative})`,
    );
  }
}

function councilWork(r: Random, participation: readonly Values[]): { agendas: Values[]; council: Values[] } {
  const agendas: Values[] = [];
  const council: Values[] = [];
  const writer = agendaWriter(r, participation, agendas);
  for (const [dong, dates] of Object.entries(pilot)) pilotCouncil(r, dong, dates, writer, council);
  for (const dong of joiners2020) joinerCouncil(r, dong, writer, council);
  return { agendas, council };
}

const demoActor: Actor = { tokenId: 'demo', name: '데모 데이터', role: 'admin', dong: null, district: null, city: null };

/** Fills an empty database with the demo through the same rules and batches as the sync API. */
export async function loadDemo(store: Store): Promise<Record<Kind, number>> {
  const counts = Object.fromEntries(kinds.map((k) => [k, 0])) as Record<Kind, number>;
  const all = demoRows();
  // In the order a workbook syncs its sheets: what a kind's cross-kind warnings read is stored first.
  for (const kind of crossKindOrder) {
    const rows = all[kind];
    const answer = await store.sync(
      kind,
      { batchId: randomUUID(), rows: rows.map((values) => ({ rowId: randomUUID(), baseRevision: null, values })), deletes: [] },
      demoActor,
      'demo (daejeon-pilot.md)',
    );
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
