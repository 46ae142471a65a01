// The writer's room (service/store/writer.ts): one write at a time, in the order asked; a failed
// transaction leaves nothing behind and does not stop the queue.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { Writer } from '../../service/store/writer.ts';
import { StoreError } from '../../service/store/errors.ts';

let instance: DuckDBInstance;
let writer: Writer;
let reader: DuckDBConnection;
beforeEach(async () => {
  instance = await DuckDBInstance.create(':memory:');
  writer = new Writer(await instance.connect());
  reader = await instance.connect();
  await writer.connection.run('CREATE TABLE t (i INTEGER)');
});
afterEach(() => {
  reader.closeSync();
  writer.close();
  instance.closeSync();
});

const count = async () => Number((await reader.runAndReadAll('SELECT count(*) FROM t')).getRows()[0]![0]);

describe('Writer', () => {
  it('runs queued work one at a time, in the order it was queued, whatever each takes', async () => {
    const order: number[] = [];
    let running = 0;
    let most = 0;
    await Promise.all(
      [30, 1, 10, 0].map((ms, i) =>
        writer.enqueue(async () => {
          running++;
          most = Math.max(most, running);
          await new Promise((r) => setTimeout(r, ms));
          order.push(i);
          running--;
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3]);
    expect(most).toBe(1);
  });

  it('a failed transaction is rolled back whole, reported as batch_failed, and the next write goes on', async () => {
    const failed = writer.enqueue(() =>
      writer.transaction(async (c) => {
        await c.run('INSERT INTO t VALUES (1), (2)');
        await c.run("INSERT INTO t VALUES ('not a number')");
      }),
    );
    await expect(failed).rejects.toBeInstanceOf(StoreError);
    await expect(failed).rejects.toMatchObject({ code: 'batch_failed' });
    await writer.enqueue(() => writer.transaction(async (c) => void (await c.run('INSERT INTO t VALUES (3)'))));
    expect(await count()).toBe(1);
  });

  it('a StoreError thrown inside keeps its code', async () => {
    const refused = writer.enqueue(() =>
      writer.transaction(async () => {
        throw new StoreError('batch_reused');
      }),
    );
    await expect(refused).rejects.toMatchObject({ code: 'batch_reused' });
  });
});
