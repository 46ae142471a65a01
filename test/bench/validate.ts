/**
 * Validation (issue 7): rows per second through the zod schemas of typed row values
 * (`rowValueSchemas`) and through the rules every synced row passes (`checkRow`), over realistic
 * spending rows, 1 in 20 with an error. The baseline is JSON.parse of the same rows in 5,000-row
 * bodies, in the same process: the work every sync body pays before any check.
 */
import {
  categories,
  codesOf,
  daejeonReference,
  fundingSources,
  maxMoney,
  maxTextLength,
  parseIsoDate,
  checkRow,
  ReferenceIndex,
  rowValueSchemas,
  sheets,
  syncBodySchema,
  type Kind,
} from '../../domain/index.ts';
import { fullSizes, count, type BenchSizes } from './sizes.ts';
import { median, ms, perSecond, printLines, ratio, rowsPerSecond, timeRuns, type BenchLine } from './stats.ts';

const bodyRows = 5000;
const dongs = daejeonReference.dongs;

/** One spending row as the add-in sends it: typed values, the dong as its code. */
function validRow(i: number): Record<string, unknown> {
  const dong = dongs[i % dongs.length]!;
  const phase = dong.joinedPhase === 2 ? 2 : 1 + (i % 2);
  const year = 2018 + phase;
  const budget = 1_000_000 + (i % 997) * 10_000;
  const spent = i % 7 !== 0;
  return {
    dong: dong.code,
    phase,
    fiscalYear: year,
    category: categories[i % categories.length],
    item: `세부내역 ${i}`,
    fundingSource: i % 9 === 0 ? null : fundingSources[i % fundingSources.length],
    budgetKrw: budget,
    executedKrw: spent ? budget - (i % 13) * 1_000 : null,
    executedOn: spent ? `${year}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}` : null,
    note: i % 11 === 0 ? '이월' : null,
  };
}

/** The mistakes rows arrive with; the first is one only the rules can see (the reference). */
const flaws: { name: string; zodSees: boolean; apply: (v: Record<string, unknown>) => void }[] = [
  { name: 'unknown dong', zodSees: false, apply: (v) => (v.dong = '없는동') },
  { name: 'negative budget', zodSees: true, apply: (v) => (v.budgetKrw = -5000) },
  { name: 'impossible date', zodSees: true, apply: (v) => (v.executedOn = '2019-02-30') },
  { name: 'amount as text', zodSees: true, apply: (v) => (v.budgetKrw = '1,000,000') },
  { name: 'unknown category', zodSees: true, apply: (v) => (v.category = '식비') },
  { name: 'unknown field', zodSees: true, apply: (v) => (v.memo = '확인') },
  { name: 'required field blank', zodSees: true, apply: (v) => (v.category = null) },
  { name: 'fractional won', zodSees: true, apply: (v) => (v.executedKrw = 1500.5) },
];

function makeRows(rows: number): { values: Record<string, unknown>[]; bad: number; badZodSees: number } {
  const values: Record<string, unknown>[] = [];
  let bad = 0;
  let badZodSees = 0;
  for (let i = 0; i < rows; i++) {
    const v = validRow(i);
    if (i % 20 === 19) {
      const flaw = flaws[bad % flaws.length]!;
      flaw.apply(v);
      bad++;
      if (flaw.zodSees) badZodSees++;
    }
    values.push(v);
  }
  return { values, bad, badZodSees };
}

/** The zod schema's checks written out by hand: the floor for checking typed values. */
function plainChecker(kind: Kind): (v: Record<string, unknown>) => boolean {
  const columns = sheets[kind].columns;
  const fields = new Set(columns.map((c) => c.field));
  const codes = new Map(columns.map((c) => [c.field, new Set(codesOf(c) ?? [])]));
  return (v) => {
    for (const key in v) if (!fields.has(key)) return false;
    for (const c of columns) {
      const x = v[c.field];
      if (x === null || x === undefined) {
        if (c.required) return false;
        continue;
      }
      switch (c.type) {
        case 'text':
          if (typeof x !== 'string' || x.length > maxTextLength) return false;
          break;
        case 'code':
          if (typeof x !== 'string' || !codes.get(c.field)!.has(x)) return false;
          break;
        case 'dong':
          if (typeof x !== 'string' || x.length === 0) return false;
          break;
        case 'phase':
        case 'year':
          if (!Number.isInteger(x)) return false;
          break;
        case 'money':
        case 'count':
          if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > maxMoney) return false;
          break;
        case 'percent':
          if (typeof x !== 'number' || !(x >= 0 && x <= 100)) return false;
          break;
        case 'date':
          if (typeof x !== 'string' || !parseIsoDate(x)) return false;
          break;
        case 'boolean':
          if (typeof x !== 'boolean') return false;
          break;
      }
    }
    return true;
  };
}

export interface ValidateBenchResult {
  name: 'validate';
  rows: number;
  rowsWithErrors: number;
  runs: number;
  jsonParseRate: number;
  zodRate: number;
  envelopeRate: number;
  checkRowRate: number;
  plainRate: number;
  refused: { zod: number; checkRow: number; plain: number };
  lines: BenchLine[];
}

export async function benchValidate(sizes: Pick<BenchSizes, 'validate'> = fullSizes): Promise<ValidateBenchResult> {
  const { rows, runs } = sizes.validate;
  const made = makeRows(rows);
  const bodies: string[] = [];
  for (let i = 0; i < rows; i += bodyRows) bodies.push(JSON.stringify(made.values.slice(i, i + bodyRows)));
  // The rows as a service holds them after parsing: fresh objects, not the ones that were written.
  const parsed = bodies.flatMap((b) => JSON.parse(b) as Record<string, unknown>[]);
  const ref = new ReferenceIndex(daejeonReference);
  const schema = rowValueSchemas.spending;
  const plain = plainChecker('spending');

  // Each pass goes over every row; a first pass warms the code up, then the median of `runs`.
  const pass = async (fn: () => number): Promise<{ ms: number; refused: number }> => {
    let refused = fn();
    const times = await timeRuns(runs, () => (refused = fn()));
    return { ms: median(times), refused };
  };
  let sink = 0;
  const jsonParse = await pass(() => {
    for (const body of bodies) sink += (JSON.parse(body) as unknown[]).length;
    return 0;
  });
  const zod = await pass(() => {
    let refused = 0;
    for (const v of parsed) if (!schema.safeParse(v).success) refused++;
    return refused;
  });
  const rules = await pass(() => {
    let refused = 0;
    for (const v of parsed) if (checkRow('spending', v, ref).errors.length > 0) refused++;
    return refused;
  });
  // What the sync route runs on every body: the envelope schema, then the rules on each row.
  const syncBodies = bodies.map((b, i) => ({
    batchId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    rows: (JSON.parse(b) as Record<string, unknown>[]).map((values, k) => ({
      rowId: `10000000-0000-4000-8000-${String(i * bodyRows + k).padStart(12, '0')}`,
      baseRevision: null,
      values,
    })),
    deletes: [],
  }));
  const envelope = await pass(() => {
    let refused = 0;
    for (const body of syncBodies) if (!syncBodySchema.safeParse(body).success) refused++;
    return refused;
  });
  if (envelope.refused !== 0) throw new Error(`the sync body schema refused ${envelope.refused} bodies`);
  const hand = await pass(() => {
    let refused = 0;
    for (const v of parsed) if (!plain(v)) refused++;
    return refused;
  });
  if (sink === 0) throw new Error('baseline optimised away');
  // The bench measures what it says only if each check refuses exactly the rows planted with errors.
  if (rules.refused !== made.bad) throw new Error(`checkRow refused ${rules.refused} rows, ${made.bad} have errors`);
  if (zod.refused !== made.badZodSees || hand.refused !== made.badZodSees) {
    throw new Error(`zod refused ${zod.refused} and the hand-written check ${hand.refused} rows, ${made.badZodSees} have errors they can see`);
  }

  const result: ValidateBenchResult = {
    name: 'validate',
    rows,
    rowsWithErrors: made.bad,
    runs,
    jsonParseRate: perSecond(rows, jsonParse.ms),
    zodRate: perSecond(rows, zod.ms),
    envelopeRate: perSecond(rows, envelope.ms),
    checkRowRate: perSecond(rows, rules.ms),
    plainRate: perSecond(rows, hand.ms),
    refused: { zod: zod.refused, checkRow: rules.refused, plain: hand.refused },
    lines: [],
  };
  const vsParse = (rate: number) => `${rowsPerSecond(rate)} · ${ratio(rate, result.jsonParseRate)}`;
  result.lines = [
    { name: 'baseline: JSON.parse of the same rows, 5,000-row bodies', value: `${rowsPerSecond(result.jsonParseRate)} (${ms(jsonParse.ms)} a pass)` },
    { name: 'zod: rowValueSchemas.spending.safeParse; ÷ JSON.parse', value: vsParse(result.zodRate) },
    { name: "zod: syncBodySchema (the sync route's envelope); ÷ JSON.parse", value: vsParse(result.envelopeRate) },
    { name: "rules: checkRow('spending', …) (the service's check); ÷ JSON.parse", value: vsParse(result.checkRowRate) },
    {
      name: "the route's whole check: envelope, then checkRow; ÷ JSON.parse",
      value: vsParse(perSecond(rows, envelope.ms + rules.ms)),
    },
    { name: 'the zod checks written by hand; ÷ JSON.parse', value: `${vsParse(result.plainRate)} (zod ÷ by hand ${ratio(result.zodRate, result.plainRate)})` },
    {
      name: `refused of ${count(made.bad)} with errors: zod · by hand · checkRow`,
      value: `${count(zod.refused)} · ${count(hand.refused)} · ${count(rules.refused)} (unknown dongs need the reference)`,
    },
  ];
  printLines(`Validation: ${count(rows)} spending rows, ${count(made.bad)} with errors (median of ${runs} passes)`, result.lines);
  return result;
}
