// The DuckDB errors analysts meet most, explained in Korean with where they are (issue 14).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { explainDuckDBError } from '../../service/store/query/errors.ts';
import { startService, type TestService } from '../support/service.ts';

let instance: DuckDBInstance;
let c: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  c = await instance.connect();
  await c.run('CREATE TABLE spending (dong VARCHAR, budgetKrw BIGINT)');
});
afterAll(() => {
  c?.closeSync();
  instance?.closeSync();
});

/** DuckDB's own message for `sql` (whatever its version says). */
const errorOf = async (sql: string) => {
  try {
    await c.run(sql);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`no error for ${sql}`);
};

describe('explainDuckDBError', () => {
  it('names the missing column, where it is, and the columns there', async () => {
    const text = explainDuckDBError(await errorOf('SELECT dong,\n  budget FROM spending'))!;
    expect(text.ko).toBe("열 'budget'이(가) 없습니다 (2번째 줄 3번째 글자). 있는 열: budgetKrw, dong");
    expect(text.en).toContain("no column 'budget' (line 2, column 3)");
  });

  it('names a missing view with the views there are, a missing function, a syntax error and a bad conversion', async () => {
    expect(explainDuckDBError(await errorOf('SELECT * FROM spendin'))!.ko).toMatch(/^'spendin'이라는 뷰가 없습니다 \(1번째 줄 15번째 글자\)\. 쓸 수 있는 뷰: spending, /);
    expect(explainDuckDBError(await errorOf('SELECT foo(1)'))!.ko).toBe("'foo' 함수가 없습니다 (1번째 줄 8번째 글자).");
    expect(explainDuckDBError(await errorOf('SELEC 1'))!.ko).toBe("'SELEC' 근처에 문법 오류가 있습니다 (1번째 줄 1번째 글자).");
    expect(explainDuckDBError(await errorOf("SELECT 'a'::INTEGER"))!.ko).toContain("'a'을(를) INT32 형식으로 바꿀 수 없습니다");
    // DuckDB's list of candidate functions is an internal hint: not shown.
    const sum = explainDuckDBError(await errorOf('SELECT sum(dong) FROM spending'))!;
    expect(sum.ko).toContain('sum(VARCHAR): 이 값의 형식에는 쓸 수 없는 함수입니다');
    expect(sum.ko).not.toContain('HUGEINT');
  });
});

describe('POST /api/query', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService();
  });
  afterAll(() => svc?.close());

  it('answers an unknown column with the Korean explanation and its place', async () => {
    const res = await svc.json('POST', '/api/query', 'analyst', { sql: 'SELECT dongg FROM spending' });
    expect(res.status).toBe(400);
    expect(res.body.error.message.ko).toMatch(/열 'dongg'이\(가\) 없습니다 \(1번째 줄 8번째 글자\)\. 있는 열: /);
  });
});
