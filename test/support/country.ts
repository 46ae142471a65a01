import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../service/store/db.ts';
import { generateDemo, type GenerateOptions } from '../../service/store/generate.ts';
import { Store } from '../../service/store/store.ts';

/** A real store over a generated country (`jachi demo generate`) in a fresh temp folder; `close` removes it all. */
export async function generatedStore(options: GenerateOptions): Promise<{ store: Store; close: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'jachi-country-'));
  const path = join(dir, 'country.duckdb');
  const db = await openDatabase(path);
  await generateDemo(db.connection, options);
  db.connection.closeSync();
  db.instance.closeSync();
  const store = await Store.open(path);
  return {
    store,
    close: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
