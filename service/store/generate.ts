/**
 * A realistic synthetic country for benchmarks and for trying the views at size
 * (`jachi demo generate --dongs N --years Y --db P`). Everything is made in SQL from range() with
 * INSERT … SELECT; the randomness is a hash of (seed, what, which), so the same seed gives the same
 * country whatever the thread count (row ids excepted: they are fresh UUIDs).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { categories, fundingSources, activities, milestones, kinds, sheets, type Kind } from '../../domain/index.ts';

export interface GenerateOptions {
  /** Number of dongs (districts are about one per 15 dongs). */
  dongs: number;
  /** Number of years, one phase each, from 2019. */
  years: number;
  /** Number of cities (default: about one per 14 districts, as Korea's 시·도 hold its 시군구; at most 49). */
  cities?: number;
  seed?: number;
  /** Called after each step, for progress on a terminal. */
  onProgress?: (step: string) => void;
}

export interface GenerateReport {
  cities: number;
  districts: number;
  dongs: number;
  phases: number;
  rows: Record<Kind, number>;
  revision: number;
  ms: number;
}

const districtNames = [
  '중앙',
  '동',
  '서',
  '남',
  '북',
  '수성',
  '달서',
  '해운대',
  '연수',
  '부평',
  '계양',
  '덕양',
  '분당',
  '수정',
  '중원',
  '상당',
  '흥덕',
  '완산',
  '덕진',
  '유성',
  '대덕',
  '성산',
  '의창',
  '마산',
];
const dongNames = [
  '중앙',
  '신흥',
  '대흥',
  '문화',
  '은행',
  '삼성',
  '월평',
  '둔산',
  '갈마',
  '가양',
  '용운',
  '대동',
  '자양',
  '판암',
  '송촌',
  '법',
  '중리',
  '신탄진',
  '석봉',
  '목상',
  '유천',
  '태평',
  '산성',
  '복수',
  '도마',
  '정림',
  '괴정',
  '가장',
  '내',
  '변',
  '용문',
  '탄방',
  '만년',
  '관저',
  '기성',
  '노은',
  '신성',
  '전민',
  '구즉',
  '관평',
  '온천',
  '진잠',
  '학하',
  '상대',
  '효',
  '성남',
  '홍도',
  '삼천',
];

/** Fictional cities, so generated figures are never taken for a real city's. */
const cityNames = [
  '한빛특별시',
  '가람광역시',
  '나래광역시',
  '다솜광역시',
  '미르광역시',
  '보람광역시',
  '새솔특별자치시',
  '아라도',
  '온누리도',
  '이룸도',
  '하늘도',
  '누리도',
  '바다도',
  '산들도',
  '여울특별자치도',
  '너울도',
  '솔빛도',
];

/** Whether a dong (SQL alias) is one this generator made: `NNNNN-dNNNNN`. */
const generatedDong = (alias: string) => `regexp_matches(${alias}.code, '^[0-9]{5}-d[0-9]{5}$')`;

const sqlList = (values: readonly string[]) => `([${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}]::VARCHAR[])`;

/** Each kind's fields in the sheet's order: the SELECTs below give them in that order. */
const fieldsOf = Object.fromEntries(kinds.map((k) => [k, sheets[k].columns.map((c) => c.field).join(', ')])) as Record<Kind, string>;

/** What one run generates: sizes and the seed. */
interface Plan {
  n: number;
  years: number;
  seed: number;
  districts: number;
  cities: number;
}

/** Checks the options and works out the districts and cities for that many dongs. */
function planOf(options: GenerateOptions): Plan {
  const n = options.dongs;
  const years = options.years;
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(n) || n < 1 || n > 100_000) throw new RangeError('dongs must be a whole number from 1 to 100,000');
  if (!Number.isSafeInteger(years) || years < 1 || years > 50) throw new RangeError('years must be a whole number from 1 to 50');
  if (!Number.isSafeInteger(seed)) throw new RangeError('seed must be a whole number');
  const districts = Math.max(1, Math.round(n / 15));
  // About 14 districts a city, as Korea's 17 시·도 hold about 250 시군구; at most 49 (codes 51–99).
  const cities = options.cities ?? Math.min(49, Math.max(1, Math.round(districts / 14)));
  if (!Number.isSafeInteger(cities) || cities < 1 || cities > 49 || cities > districts)
    throw new RangeError('cities must be a whole number from 1 to 49, and at most one per district');
  return { n, years, seed, districts, cities };
}

/**
 * Fills the database with N dongs over Y years: cities, districts, dongs (populations 5,000–60,000,
 * a few years unknown, names unique within their district), each city's phases, and all three kinds
 * of rows with plausible spreads: blank, zero and over-executed lines, zero budgets, 지연 and late
 * milestones, dongs more and less engaged. Rows get increasing revisions above the current one,
 * `updatedBy` 'demo-generate' and `source` 'demo generate', as a sync would; each stored version is
 * its own audit record.
 */
export async function generateDemo(connection: DuckDBConnection, options: GenerateOptions): Promise<GenerateReport> {
  const started = performance.now();
  const plan = planOf(options);
  const step = options.onProgress ?? (() => undefined);
  let base = 0;
  // r(seed, what, a, b): a uniform number in [0, 1) from a hash; the same arguments, the same number.
  await connection.run('CREATE OR REPLACE TEMP MACRO jachi_r(s, what, a, b) AS (hash(s, what, a, b) % 1000003)::DOUBLE / 1000003');
  await connection.run('BEGIN TRANSACTION');
  try {
    await generateReference(connection, plan);
    step('reference');
    base = await dongPhases(connection, plan);
    await generateSpending(connection, plan, base);
    step('spending');
    const base2 = base + (await countAbove(connection, 'spending_rows', base));
    await generateParticipation(connection, plan, base2);
    step('participation');
    const base3 = base2 + (await countAbove(connection, 'participation_rows', base2));
    await generateProgress(connection, plan, base3);
    step('progress');
    await generatePlan(connection, plan, base);
    // The audit is the rows themselves (migration 007: `row_audit` reads every stored version).
    step('audit');
    await connection.run('DROP TABLE jachi_gen_dp');
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
  return {
    cities: plan.cities,
    districts: plan.districts,
    dongs: plan.n,
    phases: plan.years,
    ...(await countsAbove(connection, base)),
    ms: Math.round(performance.now() - started),
  };
}

/** Rows of a table stamped above `base`. */
async function countAbove(connection: DuckDBConnection, table: string, base: number): Promise<number> {
  return Number((await connection.runAndReadAll(`SELECT count(*) AS c FROM ${table} WHERE revision > $base`, { base })).getRowObjects()[0]?.c ?? 0);
}

/** What a run stored: its rows per kind and the last revision. */
async function countsAbove(connection: DuckDBConnection, base: number): Promise<Pick<GenerateReport, 'rows' | 'revision'>> {
  const counts = (
    await connection.runAndReadAll(
      `SELECT (SELECT count(*) FROM spending_rows WHERE revision > $base) AS spending,
              (SELECT count(*) FROM participation_rows WHERE revision > $base) AS participation,
              (SELECT count(*) FROM progress_rows WHERE revision > $base) AS progress,
              (SELECT count(*) FROM agendas_rows WHERE revision > $base) AS agendas,
              (SELECT count(*) FROM council_rows WHERE revision > $base) AS council,
              (SELECT max(revision) FROM row_audit) AS revision`,
      { base },
    )
  ).getRowObjects()[0]!;
  return {
    rows: {
      spending: Number(counts.spending),
      participation: Number(counts.participation),
      progress: Number(counts.progress),
      agendas: Number(counts.agendas),
      council: Number(counts.council),
    },
    revision: Number(counts.revision),
  };
}

/** The columns every generated row starts with; `$base` is the revision its numbering starts after. */
const common = `uuid(), $base + row_number() OVER (ORDER BY g.dp, i), false, 'demo-generate', now(), 'demo generate', NULL::UUID`;

/** Cities, districts, each city's phases, dongs and their populations. */
async function generateReference(connection: DuckDBConnection, plan: Plan): Promise<void> {
  const { n, years, seed, districts, cities } = plan;
  const p = { n, years, seed, districts };

  // The generated cities (시·도 codes 51 …), each with districts named as Korea's are (every city
  // has its 중앙구, 동구, 서구: "서구 중앙동" is then ambiguous without the city) and its own phases.
  await connection.run(
    `INSERT OR REPLACE INTO cities
     SELECT printf('%02d', 50 + c), ${sqlList(cityNames)}[((c - 1) % ${cityNames.length}) + 1]
              || CASE WHEN c > ${cityNames.length} THEN ((c - 1) // ${cityNames.length} + 1)::VARCHAR ELSE '' END
     FROM range(1, $cities + 1) t(c)`,
    { cities },
  );
  // District d belongs to city ((d - 1) % C) + 1, as its k-th district: code = city code + k.
  await connection.run(
    `INSERT OR REPLACE INTO districts (code, name, city)
     SELECT printf('%02d%03d', 50 + c, k),
            ${sqlList(districtNames)}[((k - 1) % ${districtNames.length}) + 1]
              || CASE WHEN k > ${districtNames.length} THEN ((k - 1) // ${districtNames.length} + 1)::VARCHAR ELSE '' END || '구',
            printf('%02d', 50 + c)
     FROM (SELECT ((d - 1) % $cities) + 1 AS c, (d - 1) // $cities + 1 AS k FROM range(1, $districts + 1) t(d))`,
    { districts, cities },
  );
  await connection.run(
    `INSERT OR REPLACE INTO phases (city, phase, name, year, startOn, endOn)
     SELECT printf('%02d', 50 + c), p, p || '단계', 2018 + p,
            CASE WHEN p = 1 THEN DATE '2018-08-01' ELSE make_date(2018 + p, 1, 1) END,
            make_date(2018 + p, 12, 31)
     FROM range(1, $cities + 1) a(c), range(1, $years + 1) t(p)`,
    { years, cities },
  );
  // Dong i sits in district ((i - 1) % D) + 1; its name is unique within the district, and
  // shared with dongs of other districts (as Korea's many 중앙동 are). Its 행정동 code is the
  // district's code, its place in the district and 00.
  await connection.run(
    `INSERT OR REPLACE INTO dongs (code, name, district, adminCode, joinedPhase, populationIllustrative, city)
     SELECT g.code || '-d' || lpad(i::VARCHAR, 5, '0'),
            ${sqlList(dongNames)}[(((i - 1) // $districts) % ${dongNames.length}) + 1]
              || CASE WHEN (i - 1) // $districts >= ${dongNames.length} THEN ((i - 1) // $districts // ${dongNames.length} + 1)::VARCHAR ELSE '' END
              || '동',
            g.code,
            g.code || printf('%03d', (i - 1) // $districts + 1) || '00',
            CASE WHEN $years = 1 OR jachi_r($seed, 'join', i, 0) < 0.5 THEN 1
                 ELSE least($years, 2 + floor(jachi_r($seed, 'join', i, 1) * ($years - 1))::INTEGER) END,
            true,
            g.city
     FROM range(1, $n + 1) t(i)
     JOIN (SELECT d, printf('%02d%03d', 50 + ((d - 1) % $cities) + 1, (d - 1) // $cities + 1) AS code, printf('%02d', 50 + ((d - 1) % $cities) + 1) AS city
           FROM range(1, $districts + 1) t(d)) g ON g.d = ((i - 1) % $districts) + 1`,
    { ...p, cities },
  );
  await connection.run(
    `INSERT OR REPLACE INTO dong_population
     SELECT d.code, 2018 + ph,
            round((5000 + jachi_r($seed, 'pop', hash(d.code), 0) * 55000)
                  * (1 + (ph - 1) * (jachi_r($seed, 'drift', hash(d.code), 0) - 0.5) * 0.04))::BIGINT
     FROM dongs d, range(1, $years + 1) t(ph)
     WHERE ${generatedDong('d')} AND jachi_r($seed, 'popknown', hash(d.code), ph) >= 0.01`,
    { seed, years },
  );
}

/**
 * The revision the generated rows are numbered after, and every dong × phase from the phase it
 * joined (`jachi_gen_dp`), with its own character: how fully it spends, how engaged its residents
 * are, how punctual its milestones.
 */
async function dongPhases(connection: DuckDBConnection, plan: Plan): Promise<number> {
  const { seed, years } = plan;
  const base = Number(
    (
      await connection.runAndReadAll(
        `SELECT greatest(
           (SELECT coalesce(max(revision), 0) FROM row_audit),
           (SELECT coalesce(max(revision), 0) FROM spending_rows),
           (SELECT coalesce(max(revision), 0) FROM participation_rows),
           (SELECT coalesce(max(revision), 0) FROM progress_rows)) AS r`,
      )
    ).getRowObjects()[0]?.r ?? 0,
  );
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE jachi_gen_dp AS
     SELECT row_number() OVER (ORDER BY d.code, ph.phase) AS dp, d.code AS dong, ph.phase, ph.year,
            coalesce(pop.population, 20000) AS population,
            0.7 + jachi_r($seed, 'spendf', hash(d.code), ph.phase) * 0.3 AS spendFactor,
            0.4 + jachi_r($seed, 'engage', hash(d.code), ph.phase) * 1.2 AS engagement,
            jachi_r($seed, 'late', hash(d.code), ph.phase) AS lateness
     FROM dongs d JOIN phases ph ON ph.city = d.city AND ph.phase >= d.joinedPhase AND ph.phase <= $years
     LEFT JOIN dong_population pop ON pop.dong = d.code AND pop.year = ph.year
     WHERE ${generatedDong('d')}`,
    { seed, years },
  );
  return base;
}

/** Spending lines: pay lines each month, the office once, then 20–50 projects. */
async function generateSpending(connection: DuckDBConnection, plan: Plan, base: number): Promise<void> {
  const { seed } = plan;
  await connection.run(
    `INSERT INTO spending_rows (rowId, revision, deleted, updatedBy, updatedAt, source, batchId, ${fieldsOf.spending})
     SELECT ${common}, dong, phase, year, category, item, fundingSource, budgetKrw,
            CASE WHEN xr < 0.05 THEN NULL
                 WHEN xr < 0.08 THEN 0
                 WHEN xr < 0.11 THEN round(budgetKrw * (1.01 + jachi_r($seed, 'over', dp, i) * 0.14), -3)::BIGINT
                 ELSE round(budgetKrw * spendFactor * (0.85 + jachi_r($seed, 'exec', dp, i) * 0.15), -3)::BIGINT END,
            -- A few unspent lines carry part over to the next year; the rest stays blank.
            CASE WHEN xr >= 0.11 AND jachi_r($seed, 'carry', dp, i) < 0.05 THEN round(budgetKrw * (1 - spendFactor) * 0.5, -3)::BIGINT END,
            NULL,
            CASE WHEN xr >= 0.05 THEN make_date(year, month, 1 + floor(jachi_r($seed, 'day', dp, i) * 27)::INTEGER) END,
            NULL,
            CASE WHEN xr < 0.05 THEN '미집행' END
     FROM (
       SELECT g.*, i,
              CASE WHEN i < 12 THEN '${categories[0]}' WHEN i < 24 THEN '${categories[1]}' WHEN i = 24 THEN '${categories[3]}'
                   WHEN i < 33 THEN '${categories[2]}'
                   WHEN jachi_r($seed, 'cat', g.dp, i) < 0.8 THEN '${categories[4]}' ELSE '${categories[5]}' END AS category,
              CASE WHEN i < 12 THEN i + 1 WHEN i < 24 THEN i - 11 ELSE 1 + floor(jachi_r($seed, 'month', g.dp, i) * 12)::INTEGER END AS month,
              CASE WHEN i < 12 THEN printf('%d월 자치지원관 급여', i + 1) WHEN i < 24 THEN printf('%d월 간사 급여', i - 11)
                   ELSE printf('세부사업 %d', i - 23) END AS item,
              ${sqlList(fundingSources)}[CASE WHEN jachi_r($seed, 'fund', g.dp, i) < 0.5 THEN 1 WHEN jachi_r($seed, 'fund', g.dp, i) < 0.75 THEN 2
                                             WHEN jachi_r($seed, 'fund', g.dp, i) < 0.95 THEN 3 ELSE 4 END] AS fundingSource,
              CASE WHEN jachi_r($seed, 'zero', g.dp, i) < 0.01 THEN 0
                   WHEN i < 12 THEN round(2800000 + jachi_r($seed, 'b', g.dp, i) * 800000, -3)
                   WHEN i < 24 THEN round(1700000 + jachi_r($seed, 'b', g.dp, i) * 600000, -3)
                   WHEN i = 24 THEN round(5000000 + jachi_r($seed, 'b', g.dp, i) * 15000000, -3)
                   WHEN i < 33 THEN round(300000 + jachi_r($seed, 'b', g.dp, i) * 2700000, -3)
                   ELSE round(200000 + jachi_r($seed, 'b', g.dp, i) * 4800000, -3) END::BIGINT AS budgetKrw,
              jachi_r($seed, 'x', g.dp, i) AS xr
       FROM jachi_gen_dp g, range(0, 85) t(i)
       WHERE i < 55 + floor(jachi_r($seed, 'lines', g.dp, 0) * 30)
     ) g`,
    { seed, base },
  );
}

/** Events: a 주민총회 each year, then meetings, schools and the rest as engaged as the dong is. */
async function generateParticipation(connection: DuckDBConnection, plan: Plan, base2: number): Promise<void> {
  const { seed } = plan;
  await connection.run(
    `INSERT INTO participation_rows (rowId, revision, deleted, updatedBy, updatedAt, source, batchId, ${fieldsOf.participation})
     SELECT ${common.replace('$base', '$base2')}, dong, phase, date, activity, activity || ' ' || (i + 1) || '회', participants,
            CASE WHEN jachi_r($seed, 'newblank', dp, i) < 0.3 THEN NULL
                 ELSE floor(participants * jachi_r($seed, 'new', dp, i) * 0.4)::BIGINT END,
            voters,
            CASE WHEN voters IS NOT NULL AND online THEN floor(voters * jachi_r($seed, 'votersOnline', dp, i) * 0.6)::BIGINT END,
            online,
            NULL
     FROM (
       SELECT g.*,
              CASE WHEN activity = '${activities[0]}' THEN floor(participants * (0.5 + jachi_r($seed, 'votes', dp, i) * 0.45))::BIGINT
                   WHEN activity = '${activities[6]}' AND jachi_r($seed, 'votes', dp, i) < 0.5 THEN floor(participants * 0.8)::BIGINT END AS voters
       FROM (
       SELECT g.*, i,
              CASE WHEN i = 0 THEN '${activities[0]}'
                   ELSE ${sqlList(activities.slice(1))}[1 + floor(jachi_r($seed, 'act', g.dp, i) * ${activities.length - 1})::INTEGER] END AS activity,
              CASE WHEN i = 0 THEN make_date(year, 10 + floor(jachi_r($seed, 'm', g.dp, i) * 2)::INTEGER, 1 + floor(jachi_r($seed, 'd', g.dp, i) * 28)::INTEGER)
                   ELSE make_date(year, 1 + floor(jachi_r($seed, 'm', g.dp, i) * 12)::INTEGER, 1 + floor(jachi_r($seed, 'd', g.dp, i) * 28)::INTEGER) END AS date,
              greatest(1, round(CASE WHEN i = 0 THEN 80 + jachi_r($seed, 'p', g.dp, i) * 420 ELSE 5 + jachi_r($seed, 'p', g.dp, i) * 70 END
                                * engagement * sqrt(population / 25000.0)))::BIGINT AS participants,
              jachi_r($seed, 'online', g.dp, i) < 0.15 AS online
       FROM jachi_gen_dp g, range(0, 80) t(i)
       WHERE i < 20 + floor(jachi_r($seed, 'events', g.dp, 0) * 60 * engagement / 1.6)
       ) g
     ) g`,
    { seed, base2 },
  );
}

/** Every milestone of every dong × phase, done, late, held or not begun. */
async function generateProgress(connection: DuckDBConnection, plan: Plan, base3: number): Promise<void> {
  const { seed } = plan;
  await connection.run(
    `INSERT INTO progress_rows (rowId, revision, deleted, updatedBy, updatedAt, source, batchId, ${fieldsOf.progress})
     SELECT ${common.replace('$base', '$base3')}, dong, phase, milestone, plannedOn,
            CASE WHEN status = '완료' THEN plannedOn + (floor(jachi_r($seed, 'delay', dp, i) * (20 + 30 * lateness)) - 10)::INTEGER END,
            status,
            CASE WHEN jachi_r($seed, 'pctblank', dp, i) < 0.05 THEN NULL
                 WHEN status = '완료' THEN 100
                 WHEN status = '진행중' THEN round(20 + jachi_r($seed, 'pct', dp, i) * 70)
                 WHEN status = '지연' THEN round(10 + jachi_r($seed, 'pct', dp, i) * 50)
                 WHEN status = '보류' THEN round(jachi_r($seed, 'pct', dp, i) * 50)
                 ELSE 0 END::DOUBLE,
            NULL
     FROM (
       SELECT g.*, i,
              ${sqlList(milestones)}[i + 1] AS milestone,
              make_date(year, 1 + i, 15) AS plannedOn,
              CASE WHEN sr < 0.62 + 0.2 * (1 - lateness) THEN '완료'
                   WHEN sr < 0.86 THEN '진행중'
                   WHEN sr < 0.93 THEN '지연'
                   WHEN sr < 0.97 THEN '미착수'
                   ELSE '보류' END AS status
       FROM (SELECT g.*, i, jachi_r($seed, 'status', g.dp, i) AS sr FROM jachi_gen_dp g, range(0, ${milestones.length}) t(i)) g
     ) g`,
    { seed, base3 },
  );
}

/** The allocations and the milestones each generated city expects. */
async function generatePlan(connection: DuckDBConnection, plan: Plan, base: number): Promise<void> {
  const { seed, years, cities } = plan;
  // Each dong's allocation per year: its budget lines' sum rounded to a million, a few under it.
  await connection.run(
    `INSERT OR REPLACE INTO allocations
     SELECT dong, fiscalYear, (round(sum(budgetKrw) * (CASE WHEN jachi_r($seed, 'alloc', hash(dong), fiscalYear) < 0.05 THEN 0.9 ELSE 1.05 END), -6))::BIGINT
     FROM spending_rows WHERE revision > $base AND NOT deleted GROUP BY dong, fiscalYear`,
    { seed, base },
  );
  // Every cohort of a generated city is expected to take the ten first steps in the phase it
  // joins, then to plan, hold its assembly and carry out its plan; lists a city already has are kept.
  await connection.run(
    `INSERT OR IGNORE INTO expected_milestones (city, cohort, phase, milestone)
     SELECT printf('%02d', 50 + k), c, ph, m FROM range(1, $cities + 1) z(k), range(1, $years + 1) a(c), range(1, $years + 1) b(ph),
          unnest(CASE WHEN ph = c THEN ${sqlList(milestones.slice(0, 10))} ELSE ${sqlList(['자치계획 수립', '주민총회 개최', '자치계획 실행'])} END) u(m)
     WHERE ph >= c AND NOT EXISTS (SELECT 1 FROM expected_milestones e WHERE e.city = printf('%02d', 50 + k) AND e.cohort = c AND e.phase = ph)`,
    { years, cities },
  );
}
