import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Store } from '../../service/store/store.ts';
import { Syncs } from '../../service/store/sync.ts';
import { Readers } from '../../service/store/readers.ts';

const dongs = ['가양2동', '갈마1동', '진잠동', '원신흥동', '온천1동', '송촌동', '중리동', '덕암동'];
const categories = ['자치지원관 인건비', '간사 인건비', '주민자치학교 운영비', '사무공간 조성비', '자체 사업비', '기타'];
const row = (i: number) => ({ dong: dongs[i % dongs.length], phase: 1 + (i % 2), fiscalYear: 2019 + (i % 2), category: categories[i % categories.length], item: `세부내역 ${i}`, fundingSource: '특별교부세', budgetKrw: 1_000_000 + i, executedKrw: i % 5 === 0 ? null : 900_000 + i, executedOn: `2019-0${1 + (i % 9)}-1${i % 10}`, note: null });
const batchOf = (start: number, n: number) => ({ batchId: randomUUID(), rows: Array.from({ length: n }, (_, k) => ({ rowId: randomUUID(), baseRevision: null, values: row(start + k) })), deletes: [] });
const times = new Map<string, number[]>();
const add = (k: string, v: number) => { if (!times.has(k)) times.set(k, []); times.get(k)!.push(v); };
const P = Syncs.prototype as any;
for (const m of ['spendingLines', 'storedBatches', 'writeGroup', 'applyGroup', 'decide', 'addLineWarnings']) {
  const orig = P[m];
  P[m] = function (...a: unknown[]) { const t = performance.now(); const r = orig.apply(this, a); if (r instanceof Promise) return r.then((x: unknown) => (add(m, performance.now() - t), x)); add(m, performance.now() - t); return r; };
}
const R = Readers.prototype as any; const origRows = R.rows;
R.rows = function (sql: string, ...a: unknown[]) { const t = performance.now(); return origRows.call(this, sql, ...a).then((x: unknown) => (add('sql:' + sql.replace(/\s+/g, ' ').slice(0, 50), performance.now() - t), x)); };
import { DuckDBConnection, DuckDBAppender } from '@duckdb/node-api';
const C = DuckDBConnection.prototype as any; const origRun = C.run;
C.run = function (sql: string, ...a: unknown[]) { const t = performance.now(); return origRun.call(this, sql, ...a).then((x: unknown) => (add('run:' + sql.replace(/\s+/g, ' ').slice(0, 50), performance.now() - t), x)); };
const A = DuckDBAppender.prototype as any; for (const m of ['appendDataChunk','flushSync']) { const o = A[m]; A[m] = function (...a: unknown[]) { const t = performance.now(); const r = o.apply(this, a); add('app:' + m, performance.now() - t); return r; }; }
const store = await Store.open(join(mkdtempSync(join(tmpdir(), 'prof-')), 'b.duckdb'));
const admin = await store.createToken({ role: 'admin', name: 'bench' });
const actor = (await store.authenticate(admin.token)) as any;
for (let i = 0; i < 10; i++) await store.sync('spending', batchOf(i * 5000, 5000), actor);
times.clear();
const tot: number[] = [];
let size = 0;
for (let i = 0; i < 8; i++) { const b = batchOf(1e6 + i * 5000, 5000); const t = performance.now(); const a = await store.sync('spending', b, actor); tot.push(performance.now() - t); size = JSON.stringify(a).length; }
const med = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;
console.log('total', med(tot).toFixed(1), 'answer chars', size);
for (const [k, v] of times) console.log(k.padEnd(60), med(v).toFixed(1), v.length);
store.close();
