// The sync route's quick reading of a body (plainSyncBody) against the contract's zod schema: what
// it takes, the schema takes and gives back the same; a well-formed body is always taken quickly.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { plainSyncBody, syncBodySchema } from '../../domain/contract.ts';

const guid = fc.uuid().map((id) => id);
const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const revision = fc.oneof(fc.nat(), fc.constant(null));
const wellFormed = fc.record({
  batchId: guid,
  // (A value named __proto__ is left to the schema: a copy of it would set the prototype instead.)
  rows: fc.array(
    fc.record({
      rowId: guid,
      baseRevision: revision,
      values: fc.dictionary(
        fc.string().filter((k) => k !== '__proto__'),
        anyValue,
      ),
    }),
    { maxLength: 5 },
  ),
  deletes: fc.array(fc.record({ rowId: guid, baseRevision: fc.nat() }), { maxLength: 5 }),
});
/** Something a client might get wrong, put somewhere in the body. */
const oddity = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(-1),
  fc.constant(1.5),
  fc.constant(2 ** 60),
  fc.constant('1'),
  fc.constant('not-a-uuid'),
  fc.constant('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'),
  fc.constant([]),
  fc.constant({}),
  fc.constant([1, 2]),
);

function mutate(body: any, where: number, key: string, value: unknown): unknown {
  const copy = structuredClone(body);
  const targets = [copy, ...copy.rows, ...copy.rows.map((r: any) => r.values), ...copy.deletes];
  const target = targets[where % targets.length];
  const keys = Object.keys(target);
  const name = where % 3 === 0 || keys.length === 0 ? key : keys[where % keys.length]!;
  if (value === undefined) delete target[name];
  else target[name] = value;
  return copy;
}

describe('plainSyncBody', () => {
  it('takes every well-formed body, giving what the schema gives', () => {
    fc.assert(
      fc.property(wellFormed, fc.boolean(), (body, bare) => {
        const sent = JSON.parse(JSON.stringify(bare && body.deletes.length === 0 ? { batchId: body.batchId, rows: body.rows } : body));
        const plain = plainSyncBody(sent);
        expect(plain).toBeDefined();
        expect(plain).toEqual(syncBodySchema.parse(sent));
      }),
    );
  });

  it('takes nothing the schema refuses, and gives the schema’s reading of what it takes', () => {
    fc.assert(
      fc.property(wellFormed, fc.nat(), fc.string(), oddity, (body, where, key, value) => {
        const sent = JSON.parse(JSON.stringify(mutate(body, where, key, value)) ?? 'null');
        const plain = plainSyncBody(sent);
        const schema = syncBodySchema.safeParse(sent);
        if (plain !== undefined) {
          expect(schema.success).toBe(true);
          expect(plain).toEqual(schema.data);
        }
      }),
      { numRuns: 2000 },
    );
    // Not a body at all.
    for (const raw of [null, [], 'x', 1, { batchId: 'x' }, { rows: [] }]) expect(plainSyncBody(raw)).toBeUndefined();
    // A value named __proto__ is the schema's to judge.
    const id = '0b1f7b0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
    expect(plainSyncBody(JSON.parse(`{"batchId":"${id}","rows":[{"rowId":"${id}","baseRevision":null,"values":{"__proto__":1}}]}`))).toBeUndefined();
  });
});
