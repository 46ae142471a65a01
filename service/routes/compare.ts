import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { parseIsoDate } from '../../domain/index.ts';
import { ApiError } from '../http/errors.ts';
import { respondAnswer, respondRows } from '../http/formats.ts';

/**
 * Query parameters as the comparisons take them: a repeated parameter or a comma list is many
 * values; dongs and districts may be given by name as well as by code. A dong, district or phase
 * that does not exist is a 400 naming it, never an empty answer that looks like "no data".
 */
function filters(c: Context): Record<string, string | string[]> {
  const actor = c.get('actor');
  const reference = c.get('store').references.indexFor(actor);
  const unknown = (key: string, value: string): never => {
    throw ApiError.with('invalid_filter', {
      ko: `${key}: '${value.slice(0, 40)}'은(는) 없는 값입니다.`,
      en: `${key}: there is no '${value.slice(0, 40)}'.`,
    });
  };
  const dongCode = (v: string) => {
    const dong = reference.resolveDong(v.trim());
    if (dong === 'ambiguous') {
      throw ApiError.with('invalid_filter', {
        ko: `dong: '${v}'은(는) 여러 곳에 있는 이름입니다. 구·시를 붙이거나('대전 서구 갈마1동') 동 코드를 쓰세요.`,
        en: `dong: '${v}' names dongs in several districts or cities; add them or use the code.`,
      });
    }
    return dong ? dong.code : unknown('dong', v);
  };
  const districtCode = (v: string) => {
    const district = reference.resolveDistrict(v);
    if (district === 'ambiguous') {
      throw ApiError.with('invalid_filter', {
        ko: `district: '${v}'은(는) 여러 시·도에 있는 구입니다. 시·도를 붙이거나('대전 서구') 구 코드를 쓰세요.`,
        en: `district: '${v}' is a district of several cities; add the city or use the code.`,
      });
    }
    return district ? district.code : unknown('district', v);
  };
  // A cohort is the phase its dongs joined in: for both, one that no city has is a typo, not "no data".
  const phaseOf = (key: string) => (v: string) => (/^\d+$/.test(v.trim()) && !reference.hasPhase(Number(v)) ? unknown(key, v) : v);
  // A token of one city reads that city's figures: asking for another is refused, not answered empty.
  const city = (v: string) => {
    const found = c.get('store').reference.resolveCity(v);
    if (found && actor.city !== null && found.code !== actor.city) {
      const own = c.get('store').reference.cityName(actor.city);
      throw ApiError.with('forbidden', { ko: `이 토큰은 ${own}의 자료만 볼 수 있습니다.`, en: `This token reads ${own} (city ${actor.city}) only.` });
    }
    return found ? found.code : unknown('city', v);
  };
  const today = (v: string) => (parseIsoDate(v.trim()) ? v.trim() : unknown('today', v));
  const out: Record<string, string | string[]> = {};
  for (const [key, given] of Object.entries(c.req.queries())) {
    const values = given.flatMap((v) => v.split(','));
    const check = { dong: dongCode, district: districtCode, phase: phaseOf('phase'), cohort: phaseOf('cohort'), city, today }[key] ?? ((v: string) => v);
    const mapped = values.map(check);
    out[key] = mapped.length === 1 ? mapped[0]! : mapped;
  }
  if (actor.city !== null) out.city = actor.city;
  return out;
}

const drillQuery = z.object({
  dong: z.string().min(1),
  phase: z.coerce.number().int().positive(),
  category: z.string().optional(),
  figure: z.string().optional(),
});

/** Plain rankings are for analysts and managers (README, "Figures a city can act on"): never a league table for the dongs. */
const mayRank = (role: string) => role === 'analyst' || role === 'manager';

export const compareRoutes = new Hono()
  .get('/compare/:name', async (c) => {
    const given = filters(c);
    if (given.rank !== undefined && given.rank !== 'false' && given.rank !== '0' && !mayRank(c.get('actor').role)) {
      throw ApiError.with('forbidden', {
        ko: '순위(rank=true)는 분석가와 관리자만 볼 수 있습니다. 요약은 순위표가 아닙니다.',
        en: 'Rankings (rank=true) are for analysts and managers only; the summary is not a league table.',
      });
    }
    return respondAnswer(c, c.get('store'), c.req.param('name'), given);
  })
  .get('/compare/:name/rows', async (c) => {
    const parsed = drillQuery.safeParse(c.req.query());
    if (!parsed.success) {
      const field = String(parsed.error.issues[0]?.path[0] ?? 'query');
      throw ApiError.with('invalid_drilldown', { ko: `${field}: 값이 올바르지 않습니다.`, en: `${field}: invalid value.` });
    }
    const store = c.get('store');
    const dong = store.references.indexFor(c.get('actor')).resolveDong(parsed.data.dong);
    const code = dong && dong !== 'ambiguous' ? dong.code : parsed.data.dong;
    const result = await store.drilldown(c.req.param('name'), { ...parsed.data, dong: code }, c.get('actor'), c.get('signal'));
    return respondRows(c, result, { kind: result.kind });
  });
