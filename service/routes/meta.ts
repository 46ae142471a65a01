import { Hono } from 'hono';
import {
  kinds,
  metaColumns,
  sheets,
  codeLists,
  rowIdHeader,
  metrics,
  comparisons,
  headlineFigures,
  headlineFigureKind,
  flagRules,
  payCategories,
  type City,
  type MetaAnswer,
  type Phase,
  type Reference,
} from '../../domain/index.ts';

/**
 * The phases a token works in: its city's; for a token of every city, each phase number once, named
 * and dated over every city that has it (a pane's phase picker; each city's own periods are in `cities`).
 */
function phasesOf(cities: readonly City[]): Phase[] {
  if (cities.length === 1) return cities[0]!.phases;
  const byNumber = new Map<number, Phase>();
  for (const p of cities.flatMap((c) => c.phases)) {
    const seen = byNumber.get(p.phase);
    byNumber.set(
      p.phase,
      seen
        ? { ...seen, name: seen.name === p.name ? seen.name : `${p.phase}단계`, start: p.start < seen.start ? p.start : seen.start, end: p.end > seen.end ? p.end : seen.end }
        : { ...p },
    );
  }
  return [...byNumber.values()].sort((a, b) => a.phase - b.phase);
}

/**
 * The meta answer's JSON up to its last field (`me`), written once per reference (a city's, or
 * every city's) and kept while that reference is the one served: with a country's 3,500 dongs it
 * is ~0.6 MB, and every pane asks for it as it opens (under `npm run load`, a tenth of what the
 * service's JavaScript allocated went to writing it afresh each time). Kept as its UTF-8 bytes: an
 * answer is those bytes and its `me` (a string of the head and `me` was a new megabyte string in
 * the heap's large-object space for each request, encoded again to be sent).
 */
const metaHeads = new WeakMap<Reference, Buffer>();

function metaHead(reference: Reference): Buffer {
  let head = metaHeads.get(reference);
  if (head === undefined) {
    const shared = {
      city: reference.cities.length === 1 ? reference.cities[0]!.name : null,
      cities: reference.cities,
      kinds: kinds.map((kind) => ({ kind, sheet: sheets[kind].sheet, table: sheets[kind].table, rowIdHeader, columns: metaColumns(kind) })),
      codes: codeLists,
      districts: reference.districts,
      dongs: reference.dongs.map((d) => ({ ...d, cohort: d.joinedPhase })),
      allocations: reference.allocations,
      expectedMilestones: reference.expectedMilestones,
      phases: phasesOf(reference.cities),
      metrics,
      comparisons,
      headlineFigures,
      headlineFigureKind,
      flagRules,
      payCategories,
    } satisfies Omit<MetaAnswer, 'me'>;
    // `{…}` without its closing brace, so the token's own `me` goes last.
    head = Buffer.from(JSON.stringify(shared).slice(0, -1), 'utf8');
    metaHeads.set(reference, head);
  }
  return head;
}

/**
 * `GET /api/meta`: the sheets, code lists, reference data (cities with their phases, districts,
 * dongs with their cohort and populations, allocations, expected milestones) and every figure's
 * definition. A token limited to one city (and every dong's and district's token) sees that city's alone.
 */
export const metaRoutes = new Hono().get('/meta', (c) => {
  const actor = c.get('actor');
  const reference = c.get('store').references.indexFor(actor).reference;
  const me: MetaAnswer['me'] = { name: actor.name, role: actor.role, dong: actor.dong, district: actor.district, city: actor.city };
  const body = Buffer.concat([metaHead(reference), Buffer.from(`,"me":${JSON.stringify(me)}}`, 'utf8')]);
  return c.body(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), 200, { 'Content-Type': 'application/json' });
});
