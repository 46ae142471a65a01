import { z } from 'zod';
import { parseIsoDate } from './dates.ts';
import { milestones as milestoneCodes, type Milestone } from './codes.ts';

/**
 * Reference data: cities (시·도) with their phases, districts, dongs, allocations and the milestones
 * expected of each cohort. One service holds many cities; every new database starts with Daejeon's
 * (`daejeonReference`), and other cities load their own in the same shape (`CityReference`).
 */
export interface City {
  /** 시·도 code: the first two digits of the 행정표준코드. */
  code: string;
  name: string;
  /** The city's own pilot phases and their periods (phase numbers are the city's: 1, 2, …). */
  phases: Phase[];
}

export interface District {
  /** 시군구 code of the 행정표준코드 (five digits). */
  code: string;
  name: string;
  /** The city's code. */
  city: string;
}

export interface Dong {
  /** Our stable code: district code + romanised name. */
  code: string;
  name: string;
  district: string;
  /** The city's code (the district's city). */
  city: string;
  /** 행정동 code where known; null where no source gives it. */
  adminCode: string | null;
  /** Phase (of its city) in which the dong joined the pilot: its cohort. */
  joinedPhase: number;
  /** Residents by year; a missing year is unknown (per-resident figures are then null). */
  population: Record<string, number>;
  /** True when the population figures are illustrative (예시), not an official count. */
  populationIllustrative: boolean;
}

export interface Phase {
  phase: number;
  name: string;
  /** The year whose population per-resident figures use. */
  year: number;
  start: string;
  end: string;
}

/** 배정액: what a dong was granted for one fiscal year. */
export interface Allocation {
  dong: string;
  fiscalYear: number;
  amountKrw: number;
}

/**
 * The steps a city expects of a cohort (its dongs that joined in one phase) in one phase. A dong's
 * completion rate is over these, so leaving a step out of the sheet does not raise it.
 */
export interface ExpectedMilestones {
  city: string;
  cohort: number;
  phase: number;
  milestones: Milestone[];
}

/** Everything the service holds: every city's reference data. */
export interface Reference {
  cities: City[];
  districts: District[];
  dongs: Dong[];
  allocations: Allocation[];
  expectedMilestones: ExpectedMilestones[];
}

/** One city's reference set, as a city sends it (`jachi reference load`, `PUT /api/reference`). */
export interface CityReference {
  /** The city's (시·도) name and code (the first two digits of the 행정표준코드). */
  city: string;
  cityCode: string;
  districts: Omit<District, 'city'>[];
  dongs: Omit<Dong, 'city'>[];
  phases: Phase[];
  allocations: Allocation[];
  expectedMilestones: Omit<ExpectedMilestones, 'city'>[];
}

/** A city's set in the service's layout (every district, dong and plan marked with the city). */
export function referenceOfCity(set: CityReference): Reference {
  const city = set.cityCode;
  return {
    cities: [{ code: city, name: set.city, phases: set.phases }],
    districts: set.districts.map((d) => ({ code: d.code, name: d.name, city })),
    dongs: set.dongs.map((d) => ({ ...d, city })),
    allocations: set.allocations,
    expectedMilestones: set.expectedMilestones.map((e) => ({ ...e, city })),
  };
}

/** One city's set out of everything the service holds, in the shape `reference load` takes. */
export function cityReferenceOf(reference: Reference, code: string): CityReference | undefined {
  const city = reference.cities.find((c) => c.code === code);
  if (!city) return undefined;
  const dongs = reference.dongs.filter((d) => d.city === code);
  const codes = new Set(dongs.map((d) => d.code));
  const bare = <T extends { city: string }>({ city: _city, ...rest }: T): Omit<T, 'city'> => rest;
  return {
    city: city.name,
    cityCode: city.code,
    districts: reference.districts.filter((d) => d.city === code).map(bare),
    dongs: dongs.map(bare),
    phases: city.phases,
    allocations: reference.allocations.filter((a) => codes.has(a.dong)),
    expectedMilestones: reference.expectedMilestones.filter((e) => e.city === code).map(bare),
  };
}

/**
 * The short name officials also write for a city: 대전광역시 → 대전, 서울특별시 → 서울, 경기도 →
 * 경기, 충청북도 → 충북, 제주특별자치도 → 제주.
 */
export function shortCityName(name: string): string {
  const twoProvinces = /^(.)(.)([남북])도$/u.exec(name);
  if (twoProvinces) return `${twoProvinces[1]}${twoProvinces[3]}`;
  const short = name.replace(/(특별자치시|특별자치도|특별시|광역시|도)$/u, '');
  return short === '' ? name : short;
}

/**
 * The 행정안전부 10-digit 행정동 codes of Daejeon's pilot dongs (shared/reference/daejeon-pilot.md,
 * "Official codes"): a sheet's 동 cell may give one instead of the name.
 */
const daejeonAdminCodes: Record<string, string> = {
  gayang2: '3011063000',
  galma1: '3017058100',
  doma1: '3017052000',
  doma2: '3017053000',
  wolpyeong2: '3017058700',
  jinjam: '3020052000',
  oncheon1: '3020053000',
  wonsinheung: '3020061000',
  ojeong: '3023051000',
  daehwa: '3023052000',
  hoedeok: '3023052500',
  birae: '3023053300',
  songchon: '3023054300',
  jungni: '3023054600',
  sintanjin: '3023055000',
  seokbong: '3023056000',
  deogam: '3023057000',
  moksang: '3023058000',
  beop1: '3023060000',
  beop2: '3023061000',
};

const d = (district: string, code: string, name: string, joinedPhase: number, pop2019: number, pop2020: number): Omit<Dong, 'city'> => ({
  code: `${district}-${code}`,
  name,
  district,
  adminCode: daejeonAdminCodes[code] ?? null,
  joinedPhase,
  population: { '2019': pop2019, '2020': pop2020 },
  populationIllustrative: true,
});

/** The first ten milestones: everything up to the first 주민총회. */
const firstTen = milestoneCodes.slice(0, 10);
const daejeonPilotDongs = ['30110-gayang2', '30170-galma1', '30200-jinjam', '30200-wonsinheung', '30200-oncheon1', '30230-songchon', '30230-jungni', '30230-deogam'];

/**
 * Daejeon's pilot (see shared/reference/daejeon-pilot.md). The 8 phase-1 dongs (cohort 1) and the
 * phase-2 joiners (cohort 2: 서구 3 more, 대덕구 all its dongs). Allocations are the city's: 156
 * million won per pilot dong in 2019, 106 million in 2020 (the joiners' grants are not in the
 * sources, so none is set). Populations are illustrative (예시): no source gives them.
 */
export const daejeonReference: CityReference = {
  city: '대전광역시',
  cityCode: '30',
  districts: [
    { code: '30110', name: '동구' },
    { code: '30140', name: '중구' },
    { code: '30170', name: '서구' },
    { code: '30200', name: '유성구' },
    { code: '30230', name: '대덕구' },
  ],
  dongs: [
    d('30110', 'gayang2', '가양2동', 1, 21500, 21200),
    d('30170', 'galma1', '갈마1동', 1, 26800, 26300),
    d('30170', 'doma1', '도마1동', 2, 17900, 17600),
    d('30170', 'doma2', '도마2동', 2, 24100, 23800),
    d('30170', 'wolpyeong2', '월평2동', 2, 15200, 15000),
    d('30200', 'jinjam', '진잠동', 1, 31400, 31900),
    d('30200', 'wonsinheung', '원신흥동', 1, 36200, 37100),
    d('30200', 'oncheon1', '온천1동', 1, 22700, 22300),
    d('30230', 'songchon', '송촌동', 1, 30100, 29600),
    d('30230', 'jungni', '중리동', 1, 23300, 22900),
    d('30230', 'deogam', '덕암동', 1, 12100, 11900),
    d('30230', 'ojeong', '오정동', 2, 14800, 14500),
    d('30230', 'daehwa', '대화동', 2, 8900, 8700),
    d('30230', 'hoedeok', '회덕동', 2, 11600, 11400),
    d('30230', 'birae', '비래동', 2, 18300, 18000),
    d('30230', 'beop1', '법1동', 2, 16200, 15900),
    d('30230', 'beop2', '법2동', 2, 25400, 25000),
    d('30230', 'sintanjin', '신탄진동', 2, 19700, 19400),
    d('30230', 'seokbong', '석봉동', 2, 13900, 13700),
    d('30230', 'moksang', '목상동', 2, 9800, 9600),
  ],
  phases: [
    { phase: 1, name: '1단계', year: 2019, start: '2018-08-01', end: '2019-12-31' },
    { phase: 2, name: '2단계', year: 2020, start: '2020-01-01', end: '2020-12-31' },
  ],
  allocations: daejeonPilotDongs.flatMap((dong) => [
    { dong, fiscalYear: 2019, amountKrw: 156_000_000 },
    { dong, fiscalYear: 2020, amountKrw: 106_000_000 },
  ]),
  expectedMilestones: [
    { cohort: 1, phase: 1, milestones: firstTen },
    { cohort: 1, phase: 2, milestones: ['자치계획 수립', '주민총회 개최', '자치계획 실행'] },
    { cohort: 2, phase: 2, milestones: firstTen },
  ],
};

/** A dong found by name, or why not: several dongs answer to it, or none does. */
export type Resolved<T> = T | 'ambiguous' | undefined;

const one = <T>(found: readonly T[]): Resolved<T> => (found.length === 1 ? found[0] : found.length > 1 ? 'ambiguous' : undefined);

/** Lookups over the reference data, shared by the rules, the normaliser and the store. */
export class ReferenceIndex {
  readonly reference: Reference;
  readonly dongByCode = new Map<string, Dong>();
  readonly dongByName = new Map<string, Dong[]>();
  /** By 행정동 code (10 digits), where the reference gives it. */
  readonly dongByAdminCode = new Map<string, Dong>();
  readonly districtByCode = new Map<string, District>();
  readonly cityByCode = new Map<string, City>();
  /** 배정액 by `dong|fiscalYear`. */
  readonly allocation = new Map<string, number>();
  private readonly phases = new Map<string, Map<number, Phase>>();
  private readonly phaseNumbers = new Set<number>();
  private readonly cityByName = new Map<string, City>();
  private readonly cityIndexes = new Map<string, ReferenceIndex>();

  constructor(reference: Reference | CityReference) {
    this.reference = 'cityCode' in reference ? referenceOfCity(reference) : reference;
    for (const a of this.reference.allocations) this.allocation.set(`${a.dong}|${a.fiscalYear}`, a.amountKrw);
    for (const city of this.reference.cities) {
      this.cityByCode.set(city.code, city);
      this.cityByName.set(city.name, city);
      this.cityByName.set(shortCityName(city.name), city);
      this.phases.set(city.code, new Map(city.phases.map((p) => [p.phase, p])));
      for (const p of city.phases) this.phaseNumbers.add(p.phase);
    }
    for (const district of this.reference.districts) this.districtByCode.set(district.code, district);
    for (const dong of this.reference.dongs) {
      this.dongByCode.set(dong.code, dong);
      if (dong.adminCode) this.dongByAdminCode.set(dong.adminCode, dong);
      const same = this.dongByName.get(dong.name) ?? [];
      same.push(dong);
      this.dongByName.set(dong.name, same);
    }
  }

  /** The index of one city's data alone: names resolve within it, its phases are the only ones. */
  forCity(code: string): ReferenceIndex {
    let index = this.cityIndexes.get(code);
    if (!index) {
      const r = this.reference;
      index = new ReferenceIndex({
        cities: r.cities.filter((c) => c.code === code),
        districts: r.districts.filter((d) => d.city === code),
        dongs: r.dongs.filter((d) => d.city === code),
        allocations: r.allocations.filter((a) => this.dongByCode.get(a.dong)?.city === code),
        expectedMilestones: r.expectedMilestones.filter((e) => e.city === code),
      });
      this.cityIndexes.set(code, index);
    }
    return index;
  }

  /** One phase of one city (phases are each city's own). */
  phaseOf(city: string | undefined, phase: number): Phase | undefined {
    return city === undefined ? undefined : this.phases.get(city)?.get(phase);
  }

  /** Whether any city has a phase of this number (a filter naming none is a typo). */
  hasPhase(phase: number): boolean {
    return this.phaseNumbers.has(phase);
  }

  /** The city of a dong, a district or a city, by code. */
  cityOf(code: string): string | undefined {
    return this.dongByCode.get(code)?.city ?? this.districtByCode.get(code)?.city ?? (this.cityByCode.has(code) ? code : undefined);
  }

  /** A city's name as officials read it (대전광역시), by its code; the code itself when unknown. */
  cityName(code: string): string {
    return this.cityByCode.get(code)?.name ?? code;
  }

  /** A city by code, name or short name (대전광역시, 대전, 30). */
  resolveCity(codeOrName: string): City | undefined {
    const t = codeOrName.trim();
    return this.cityByCode.get(t) ?? this.cityByName.get(t);
  }

  /**
   * A district by code, by name, or by name within its city ("대전 서구"). Korea has a 서구 in five
   * cities: a bare name that several cities share is ambiguous.
   */
  resolveDistrict(codeOrName: string): Resolved<District> {
    const t = codeOrName.trim();
    const byCode = this.districtByCode.get(t);
    if (byCode) return byCode;
    const parts = t.split(/\s+/).filter((p) => p !== '');
    if (parts.length > 2) return undefined;
    const city = parts.length === 2 ? this.resolveCity(parts[0]!) : undefined;
    if (parts.length === 2 && !city) return undefined;
    const name = parts.at(-1);
    return one(this.reference.districts.filter((d) => d.name === name && (!city || d.city === city.code)));
  }

  /**
   * A dong by code (ours or the 10-digit 행정동 code), by exact name, or by name within its district
   * and city: "가양2동", "동구 가양2동", "대전광역시 동구 가양2동", "대전 동구 가양2동". A name several
   * dongs answer to (Korea has many 중앙동; many cities have a 서구) is 'ambiguous': the caller
   * must say more, or send the code.
   */
  resolveDong(codeOrName: string): Resolved<Dong> {
    const byCode = this.dongByCode.get(codeOrName) ?? this.dongByAdminCode.get(codeOrName);
    if (byCode) return byCode;
    const byName = this.dongByName.get(codeOrName);
    if (byName) return one(byName);
    const parts = codeOrName.split(/\s+/).filter((p) => p !== '');
    if (parts.length < 2 || parts.length > 3) return undefined;
    const name = parts.at(-1)!;
    const candidates = this.dongByName.get(name) ?? [];
    if (parts.length === 3) {
      const city = this.resolveCity(parts[0]!);
      return city ? one(candidates.filter((d) => d.city === city.code && this.districtByCode.get(d.district)?.name === parts[1])) : undefined;
    }
    // Two parts: the district and the dong, or (where a city has no districts of its own) the city and the dong.
    const inDistrict = candidates.filter((d) => this.districtByCode.get(d.district)?.name === parts[0]);
    if (inDistrict.length > 0) return one(inDistrict);
    const city = this.resolveCity(parts[0]!);
    return city ? one(candidates.filter((d) => d.city === city.code)) : undefined;
  }

  /**
   * A unit above the dong by code or name: one of the districts, or a city. Undefined when it is
   * neither, or when the name is a district's in several cities (the code then says which).
   */
  resolveUnit(codeOrName: string): { level: 'district' | 'city'; code: string; name: string; city: string } | undefined {
    const district = this.resolveDistrict(codeOrName);
    if (district && district !== 'ambiguous') return { level: 'district', code: district.code, name: district.name, city: district.city };
    const city = this.resolveCity(codeOrName);
    if (city) return { level: 'city', code: city.code, name: city.name, city: city.code };
    return undefined;
  }

  allocationOf(dong: string, fiscalYear: number): number | undefined {
    return this.allocation.get(`${dong}|${fiscalYear}`);
  }
}

const code = z.string().trim().min(1).max(40);
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

/** A reference set as a city sends it (`jachi reference load`, `PUT /api/reference`). */
export const referenceSchema = z.strictObject({
  city: z.string().trim().min(1).max(100),
  cityCode: z
    .string()
    .trim()
    .regex(/^\d{2}$/, 'two digits (시·도 code)')
    .optional(),
  districts: z.array(z.strictObject({ code, name: z.string().trim().min(1).max(100) })).min(1),
  dongs: z
    .array(
      z.strictObject({
        code,
        name: z.string().trim().min(1).max(100),
        district: code,
        adminCode: z.string().trim().max(20).nullable().default(null),
        joinedPhase: z.number().int().positive(),
        population: z.record(z.string().regex(/^\d{4}$/, 'year'), z.number().int().nonnegative()).default({}),
        populationIllustrative: z.boolean().default(false),
      }),
    )
    .min(1),
  phases: z
    .array(z.strictObject({ phase: z.number().int().positive(), name: z.string().trim().min(1).max(50), year: z.number().int().min(1900).max(9999), start: isoDay, end: isoDay }))
    .min(1),
  allocations: z
    .array(z.strictObject({ dong: code, fiscalYear: z.number().int().min(1900).max(9999), amountKrw: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) }))
    .default([]),
  expectedMilestones: z
    .array(z.strictObject({ cohort: z.number().int().positive(), phase: z.number().int().positive(), milestones: z.array(z.enum(milestoneCodes)).max(milestoneCodes.length) }))
    .default([]),
});

/** A reference set as sent, completed: the city code from the districts' codes when not given. */
export function completeReference(input: z.output<typeof referenceSchema>): CityReference {
  return { ...input, cityCode: input.cityCode ?? input.districts[0]!.code.slice(0, 2) };
}

/** The codes of a city's set that another city the service holds already owns. */
function crossCityProblems(reference: CityReference, held: Reference): { ko: string; en: string }[] {
  const problems: { ko: string; en: string }[] = [];
  const owner = (list: { code: string; city: string }[]) => new Map(list.map((x) => [x.code, x.city]));
  const districtCity = owner(held.districts);
  const dongCity = owner(held.dongs);
  const adminCity = owner(held.dongs.filter((d) => d.adminCode).map((d) => ({ code: d.adminCode!, city: d.city })));
  const other = (city: string | undefined) => city !== undefined && city !== reference.cityCode;
  for (const d of reference.districts) {
    if (other(districtCity.get(d.code)))
      problems.push({
        ko: `구 코드 '${d.code}'은(는) 다른 시·도(${districtCity.get(d.code)})의 것입니다.`,
        en: `District code '${d.code}' belongs to another city (${districtCity.get(d.code)}).`,
      });
  }
  for (const d of reference.dongs) {
    if (other(dongCity.get(d.code)))
      problems.push({
        ko: `동 코드 '${d.code}'은(는) 다른 시·도(${dongCity.get(d.code)})의 것입니다.`,
        en: `Dong code '${d.code}' belongs to another city (${dongCity.get(d.code)}).`,
      });
    if (d.adminCode && other(adminCity.get(d.adminCode)))
      problems.push({ ko: `행정동 코드 '${d.adminCode}'은(는) 다른 시·도의 동에 있습니다.`, en: `행정동 code '${d.adminCode}' belongs to a dong of another city.` });
  }
  return problems;
}

/**
 * What a city's reference set gets wrong beyond its shape: duplicate codes, a name twice in one
 * district, a dong of an unknown district, a joined phase that does not exist, a phase that ends
 * before it starts, and (against what the service already holds, `held`) a code another city owns.
 * Korean first.
 */
export function referenceProblems(reference: CityReference, held?: Reference): { ko: string; en: string }[] {
  const problems: { ko: string; en: string }[] = held ? crossCityProblems(reference, held) : [];
  const named = new Set<string>();
  for (const d of reference.dongs) {
    const key = `${d.district}|${d.name}`;
    if (named.has(key))
      problems.push({ ko: `동 이름 '${d.name}'이(가) 한 구(${d.district})에 두 번 있습니다.`, en: `Dong name '${d.name}' appears twice in district ${d.district}.` });
    named.add(key);
  }
  const duplicates = (list: string[], what: { ko: string; en: string }) => {
    const seen = new Set<string>();
    for (const c of list) {
      if (seen.has(c)) problems.push({ ko: `${what.ko} '${c}'이(가) 두 번 있습니다.`, en: `${what.en} '${c}' appears twice.` });
      seen.add(c);
    }
  };
  duplicates(
    reference.districts.map((d) => d.code),
    { ko: '구 코드', en: 'District code' },
  );
  duplicates(
    reference.dongs.map((d) => d.code),
    { ko: '동 코드', en: 'Dong code' },
  );
  duplicates(
    reference.phases.map((p) => String(p.phase)),
    { ko: '단계', en: 'Phase' },
  );
  const districts = new Set(reference.districts.map((d) => d.code));
  const phases = new Set(reference.phases.map((p) => p.phase));
  for (const d of reference.dongs) {
    if (!districts.has(d.district))
      problems.push({ ko: `동 ${d.name}(${d.code}): 구 '${d.district}'이(가) 목록에 없습니다.`, en: `Dong ${d.code}: district '${d.district}' is not listed.` });
    if (!phases.has(d.joinedPhase)) problems.push({ ko: `동 ${d.name}(${d.code}): ${d.joinedPhase}단계가 없습니다.`, en: `Dong ${d.code}: there is no phase ${d.joinedPhase}.` });
  }
  const dongCodes = new Set(reference.dongs.map((d) => d.code));
  const allocated = new Set<string>();
  for (const a of reference.allocations) {
    if (!dongCodes.has(a.dong)) problems.push({ ko: `배정액: 동 '${a.dong}'이(가) 목록에 없습니다.`, en: `Allocation: dong '${a.dong}' is not listed.` });
    const key = `${a.dong}|${a.fiscalYear}`;
    if (allocated.has(key)) problems.push({ ko: `배정액: ${a.dong} ${a.fiscalYear}년이 두 번 있습니다.`, en: `Allocation: ${a.dong} ${a.fiscalYear} appears twice.` });
    allocated.add(key);
  }
  const expected = new Set<string>();
  for (const e of reference.expectedMilestones) {
    if (!phases.has(e.phase)) problems.push({ ko: `기대 추진과제: ${e.phase}단계가 없습니다.`, en: `Expected milestones: there is no phase ${e.phase}.` });
    if (!phases.has(e.cohort))
      problems.push({ ko: `기대 추진과제: ${e.cohort}기(코호트)가 합류할 단계가 없습니다.`, en: `Expected milestones: cohort ${e.cohort} names no phase.` });
    if (e.phase < e.cohort)
      problems.push({
        ko: `기대 추진과제: ${e.cohort}기는 ${e.phase}단계에 아직 합류하지 않았습니다.`,
        en: `Expected milestones: cohort ${e.cohort} has not joined by phase ${e.phase}.`,
      });
    const key = `${e.cohort}|${e.phase}`;
    if (expected.has(key))
      problems.push({ ko: `기대 추진과제: ${e.cohort}기 ${e.phase}단계가 두 번 있습니다.`, en: `Expected milestones: cohort ${e.cohort}, phase ${e.phase} appears twice.` });
    expected.add(key);
  }
  for (const p of reference.phases) {
    if (!parseIsoDate(p.start) || !parseIsoDate(p.end) || p.start > p.end) {
      problems.push({ ko: `${p.phase}단계: 기간(${p.start}~${p.end})이 올바르지 않습니다.`, en: `Phase ${p.phase}: the period ${p.start}–${p.end} is not valid.` });
    }
  }
  return problems;
}
