import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { Command, InvalidArgumentError } from 'commander';
import { roles, StoreError, type Role, type Store } from './store/store.ts';
import { defaultLimits } from './http/limits.ts';
import { openStore, startServing, type ServeOptions } from './serve.ts';

/** `serve --heap` by default (bin/jachi.mjs reads the same flag before this file loads). */
const defaultHeapMb = 256;
import { ImportIncompleteError, importWorkbook } from './import/index.ts';
import { WorkbookError } from './workbook/errors.ts';
import { exportFormats, isExportFormat, type ExportFormat } from './store/export/index.ts';
import { progressBar } from './progress.ts';
import { doctor, restoreBackup } from './store/backup.ts';
import { applyPopulations, PopulationFileError, readPopulationFile, type PopulationFile } from './populations.ts';
import { isKind, kinds, parseHeaderMap, referenceSchema, completeReference, cityReferenceOf, sheets, type Kind } from '../domain/index.ts';
import type { ImportReport } from './workbook/index.ts';

const defaultDb = 'data/jachi.duckdb';

/** `30d`, `12h`, `90m` or an ISO date → the expiry instant. */
export function parseExpiry(value: string, now = Date.now()): Date {
  const m = /^(\d+)([dhm])$/.exec(value);
  if (m) return new Date(now + Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm']);
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/.test(value)) {
    const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new InvalidArgumentError('--expires는 30d, 12h 또는 2026-12-31 형식입니다 / use 30d, 12h or 2026-12-31');
}

/** `24h`, `30m`, `7d` → milliseconds (at least a minute). */
export function parseInterval(value: string): number {
  const m = /^(\d+)([dhm])$/.exec(value.trim());
  const ms = m ? Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'] : NaN;
  if (!(ms >= 60_000)) throw new InvalidArgumentError('24h, 6h, 30m 또는 7d 형식입니다 (1분 이상) / use 24h, 6h, 30m or 7d (a minute or more)');
  return ms;
}

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('port 0–65535');
  return n;
};

export function buildProgram(): Command {
  const program = new Command('jachi').description('Jachi Ledger (자치 장부) service and tools').showHelpAfterError();
  for (const add of [serveCommand, tokenCommands, importCommand, exportCommand, referenceCommands, operationCommands, demoCommands]) add(program);
  return program;
}

/** `serve`: the API and the task pane. */
function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the API and the task pane / API와 작업창을 제공합니다')
    .option('--port <n>', 'port', port, 3000)
    .option('--host <host>', 'host', '127.0.0.1')
    .option('--db <path>', 'DuckDB file', defaultDb)
    .option('--demo', 'fill a new database with the Daejeon demo and print a token per role')
    .option('--https', 'serve with the Office development certificate (office-addin-dev-certs)')
    .option('--addin-origin <origin>', 'origin allowed by CORS for an add-in served elsewhere', 'https://localhost:3000')
    .option('--rate <n>', 'requests per second each token may make / 토큰당 초당 요청 수', positive, defaultLimits.ratePerSecond)
    .option('--burst <n>', 'requests a token may make at once / 토큰당 한꺼번에 보낼 수 있는 요청 수', positive, defaultLimits.burst)
    .option('--memory-limit <size>', "DuckDB's memory for caching and work, beyond which it spills to disk / DuckDB 메모리 한도", '256MB')
    .option('--request-timeout <s>', 'time limit of a request in seconds (imports and exports: 20×) / 요청 시간 제한(초)', positive, defaultLimits.requestTimeoutMs / 1000)
    .option('--sync-body <MB>', 'largest sync body in MB / 동기화 요청 본문 한도(MB)', positive, defaultLimits.json.sync.maxBytes / 1024 / 1024)
    .option('--query-result <MB>', 'largest answer of an analyst query in MB / 분석 조회 결과 한도(MB)', positive, defaultLimits.queryResultBytes / 1024 / 1024)
    .option('--heap <MB>', 'JavaScript heap of the service in MB (0: no cap) / 서비스의 JavaScript 메모리 한도(MB)', whole, defaultHeapMb)
    .option('--trust-proxy', "read the client's address from X-Forwarded-For (only behind your own reverse proxy) / 역방향 프록시 뒤에서만")
    .option('--backup-dir <dir>', 'where backups go (default: backups/ beside the database) / 백업 폴더')
    .option('--backup-every <interval>', 'take a backup this often, e.g. 24h, 6h, 7d / 백업 주기', (v: string) => parseInterval(v))
    .option('--keep <n>', 'backups to keep (the newest) / 보관할 백업 수', positive, 14)
    .option('--quiet', 'no request log (one JSON line per request on standard output otherwise) / 요청 기록 끄기')
    .action(async (opts: ServeOptions & { heap: number }) => {
      // bin/jachi.mjs runs `serve` in a worker thread whose heap is capped (`--heap`, 0: no cap,
      // here in the main thread): it asks the service to stop by a message, not a signal.
      const stop = await startServing(opts);
      const stopped = () => stop().then(() => process.exit(0));
      if (parentPort) parentPort.on('message', (message) => message === 'stop' && void stopped());
      // In this thread (--heap 0); bin/jachi.mjs ends the process on a second signal or a stop past its deadline.
      else for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopped());
    });
}

/** `token create | list | revoke`. */
function tokenCommands(program: Command): void {
  const token = program.command('token').description('manage access tokens / 토큰 관리');
  token
    .command('create')
    .description('create a token; prints it alone on the last line')
    .requiredOption('--role <role>', `one of ${roles.join(', ')}`, (v: string) => {
      if (!(roles as readonly string[]).includes(v)) throw new InvalidArgumentError(`role: ${roles.join(', ')}`);
      return v as Role;
    })
    .option('--dong <dong>', 'dong code or name (role dong)')
    .option('--district <district>', 'district code or name (role district)')
    .option('--city <city>', 'limit an analyst, manager or admin to one city (code or name); for dong and district, the city to find the name in')
    .requiredOption('--name <text>', 'who holds the token')
    .option('--expires <when>', 'e.g. 30d, 12h or 2026-12-31', (v: string) => parseExpiry(v))
    .option('--db <path>', 'DuckDB file', defaultDb)
    .action(async (opts: { role: Role; dong?: string; district?: string; city?: string; name: string; expires?: Date; db: string }) => {
      await withStore(opts.db, async (store) => {
        const t = await store.createToken({ role: opts.role, dong: opts.dong, district: opts.district, city: opts.city, name: opts.name, expiresAt: opts.expires });
        console.log(
          `id ${t.id} · ${t.role}${t.city ? ` · ${t.city}` : ''}${t.dong ? ` · ${t.dong}` : ''}${t.district ? ` · ${t.district}` : ''} · ${t.name}${t.expiresAt ? ` · expires ${t.expiresAt}` : ''}`,
        );
        console.log('토큰은 지금 한 번만 보입니다 / the token is shown only now:');
        console.log(t.token);
      });
    });
  token
    .command('list')
    .description('list tokens (never their secrets)')
    .option('--db <path>', 'DuckDB file', defaultDb)
    .option('--json', 'print JSON')
    .action(async (opts: { db: string; json?: boolean }) => {
      await withStore(opts.db, async (store) => {
        const tokens = await store.listTokens();
        if (opts.json) console.log(JSON.stringify(tokens, null, 2));
        else
          for (const t of tokens) {
            const state = t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt <= new Date().toISOString() ? 'expired' : 'active';
            console.log([t.id, t.role, t.dong ?? t.district ?? t.city ?? '-', state, t.expiresAt ?? '-', t.name].join('\t'));
          }
      });
    });
  token
    .command('revoke <id>')
    .description('revoke a token by id')
    .option('--db <path>', 'DuckDB file', defaultDb)
    .action(async (id: string, opts: { db: string }) => {
      await withStore(opts.db, async (store) => {
        if (!(await store.revokeToken(id))) throw new Error(`토큰 ${id}이(가) 없거나 이미 폐기되었습니다 / no live token ${id}`);
        console.log(`revoked ${id}`);
      });
    });
}

/** `import FILE`: a workbook or CSV through the normaliser and the rules. */
function importCommand(program: Command): void {
  program
    .command('import <file>')
    .description('read a workbook (.xlsx, or .csv in UTF-8 or CP949) through the normaliser and the rules, and store it / 엑셀·CSV 파일 가져오기')
    .option('--kind <kind>', `one of ${kinds.join(', ')} (default: from the headers)`, kindOption)
    .option('--sheet <name>', 'only this sheet')
    .option('--map <pairs>', 'headers mapped by hand, e.g. "예산과목=category,사업내용=item" (=무시 leaves a column out) / 열 지정')
    .option('--dry-run', 'report only; write nothing')
    .option('--json', 'print the import report as JSON on standard output')
    .option('--db <path>', 'DuckDB file', defaultDb)
    .action(async (file: string, opts: { kind?: Kind; sheet?: string; map?: string; dryRun?: boolean; json?: boolean; db: string }) => {
      if (!existsSync(file)) throw new Error(`파일이 없습니다 / no such file: ${file}`);
      const map = opts.map === undefined ? undefined : parseHeaderMap(opts.map, opts.kind);
      if (map && map.problems.length > 0) throw new Error(map.problems.map((p) => `--map ${p.message.ko}\n  ${p.message.en}`).join('\n'));
      await withStore(opts.db, async (store) => {
        const bar = progressBar(basename(file));
        const report = await importWorkbook(store, resolve(file), cliActor, {
          kind: opts.kind,
          sheet: opts.sheet,
          map: map?.map,
          dryRun: opts.dryRun,
          file: basename(file),
          // Only the JSON report lists every accepted row; the summary needs the counts alone.
          keepRows: Boolean(opts.json),
          onProgress: (p) => bar.update(p.bytesRead ?? p.row, p.totalBytes, `${p.sheet} ${p.row}행 · 저장 ${p.stored}`),
        }).catch((error: unknown) => {
          bar.done();
          throw importFailure(error);
        });
        bar.done();
        if (opts.json) console.log(JSON.stringify(report, null, 2));
        else printImport(report, Boolean(opts.dryRun));
        if (report.sheets.length === 0 || report.sheets.every((s) => s.error)) process.exitCode = 2;
      });
    });
}

/** `export KIND`: every live row of a kind to a file. */
function exportCommand(program: Command): void {
  program
    .command('export <kind>')
    .description('every live row of a kind to a file / 자료 내보내기')
    .requiredOption('--format <format>', `one of ${exportFormats.join(', ')}`, (v: string) => {
      if (!isExportFormat(v)) throw new InvalidArgumentError(`format: ${exportFormats.join(', ')}`);
      return v;
    })
    .requiredOption('--out <file>', 'the file to write (a folder with --partitioned)')
    .option('--partitioned', 'parquet only: a folder partitioned by district and phase (hive layout)')
    .option('--db <path>', 'DuckDB file', defaultDb)
    .action(async (kind: string, opts: { format: ExportFormat; out: string; partitioned?: boolean; db: string }) => {
      const k = kindOption(kind);
      await withStore(opts.db, async (store) => {
        const result = await store.exportTo(k, opts.format, resolve(opts.out), { partitioned: opts.partitioned });
        console.log(`${result.rows}행을 ${result.out}에 썼습니다 / wrote ${result.rows} rows to ${result.out}`);
      });
    });
}

/** `reference show | load | populations`: a city's reference data. */
function referenceCommands(program: Command): void {
  const reference = program.command('reference').description('districts, dongs, populations and phases / 기준 자료');
  reference
    .command('show')
    .description("print the reference data as JSON: every city's, or with --city one city's in the shape `reference load` takes (a template for another city)")
    .option('--city <city>', 'one city (code or name): its set as `reference load` takes it')
    .option('--db <path>', 'DuckDB file', defaultDb)
    .action(async (opts: { db: string; city?: string }) => {
      await withStore(opts.db, async (store) => {
        if (opts.city === undefined) return console.log(JSON.stringify(store.reference.reference, null, 2));
        const code = store.reference.resolveCity(opts.city)?.code;
        const set = code === undefined ? undefined : cityReferenceOf(store.reference.reference, code);
        if (!set) throw new Error(`등록되지 않은 시·도입니다 / unknown --city: ${opts.city}`);
        console.log(JSON.stringify(set, null, 2));
      });
    });
  reference
    .command('load <file>')
    .description("load a city's reference data from JSON (the shape `reference show` prints)")
    .option('--replace', 'also remove districts, dongs and phases the file does not name (refused while rows use them)')
    .option('--db <path>', 'DuckDB file', defaultDb)
    .action(async (file: string, opts: { replace?: boolean; db: string }) => {
      if (!existsSync(file)) throw new Error(`파일이 없습니다 / no such file: ${file}`);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        throw new Error(`${file}: JSON으로 읽을 수 없습니다 / not readable as JSON`);
      }
      const parsed = referenceSchema.safeParse(json);
      if (!parsed.success) {
        const lines = parsed.error.issues.slice(0, 10).map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`);
        throw new Error(`${file}: 기준 자료 형식이 올바르지 않습니다 / not a valid reference set\n${lines.join('\n')}`);
      }
      await withStore(opts.db, async (store) => {
        const loaded = await store.loadReference(completeReference(parsed.data), { replace: opts.replace });
        console.log(`구 ${loaded.districts} · 동 ${loaded.dongs} · 단계 ${loaded.phases}을(를) 불러왔습니다 / loaded`);
      });
    });

  populationsCommand(reference);
}

/** `reference populations FILE`: populations from the 주민등록 인구통계 CSV. */
function populationsCommand(reference: Command): void {
  reference
    .command('populations <file>')
    .description('load official populations from the 행정안전부 주민등록 인구통계 CSV (CP949 or UTF-8), matched by 행정동 code')
    .option('--json', 'print the report as JSON')
    .option('--db <path>', 'DuckDB file', defaultDb)
    .action(async (file: string, opts: { json?: boolean; db: string }) => {
      if (!existsSync(file)) throw new Error(`파일이 없습니다 / no such file: ${file}`);
      let read: PopulationFile;
      try {
        read = readPopulationFile(readFileSync(file));
      } catch (error) {
        // Nothing is changed on a file that cannot be read for sure.
        throw error instanceof PopulationFileError ? new Error(`${file}: ${error.message}`) : error;
      }
      await withStore(opts.db, async (store) => {
        const { reference, report } = applyPopulations(store.reference.reference, read);
        const loaded = new Set(report.matched.map((m) => m.code));
        if (loaded.size > 0) await store.savePopulations(reference.dongs.filter((d) => loaded.has(d.code)));
        if (opts.json) return console.log(JSON.stringify({ file, encoding: read.encoding, ...report }, null, 2));
        const years = [...new Set(report.matched.flatMap((m) => m.years))].sort().join(', ');
        console.log(`${report.matched.length}개 동의 인구를 불러왔습니다 (${years || '-'}년, ${read.encoding}) / loaded the populations of ${report.matched.length} dongs`);
        for (const m of report.matched.filter((x) => x.stillIllustrative))
          console.log(`  ${m.name}: 파일에 없는 해의 인구는 예시로 남습니다 / years the file lacks stay illustrative`);
        if (report.missing.length > 0) {
          console.log(`파일에서 찾지 못한 동 ${report.missing.length}개 / dongs not found in the file:`);
          for (const m of report.missing)
            console.log(`  ${m.name} (${m.code}): ${m.reason === 'no_admin_code' ? '행정동 코드 없음 / no 행정동 code' : '파일에 없음 / not in the file'}`);
        }
        if (report.unmatched.length > 0)
          console.log(
            `기준 자료에 없는 파일의 동 ${report.unmatched.length}개는 건너뛰었습니다 / ${report.unmatched.length} dongs of the file are not in the reference and were skipped`,
          );
      });
    });
}

/** `restore FILE` and `doctor`. */
function operationCommands(program: Command): void {
  program
    .command('restore <file>')
    .description('restore a backup over the database (service stopped); the replaced file is kept / 백업 복원')
    .requiredOption('--db <path>', 'DuckDB file to restore into')
    .action(async (file: string, opts: { db: string }) => {
      const restored = await restoreBackup(file, opts.db);
      console.log(`복원했습니다 / restored: ${file} → ${resolve(opts.db)}`);
      console.log(`  revision ${restored.revision} · schema ${restored.schemaVersion} · taken ${restored.takenAt}`);
      console.log(`  rows: ${kinds.map((k) => `${k} ${restored.rows[k]}`).join(', ')}`);
      if (restored.replaced) console.log(`  바뀐 파일은 보관했습니다 / the replaced file is kept: ${restored.replaced}`);
    });

  program
    .command('doctor')
    .description('schema version, row counts, last revision and last backup of a database (read-only) / 점검')
    .option('--db <path>', 'DuckDB file', defaultDb)
    .option('--json', 'print JSON')
    .action(async (opts: { db: string; json?: boolean }) => {
      const report = await doctor(opts.db);
      if (opts.json) {
        console.log(JSON.stringify(report, null, 2));
        return;
      }
      console.log(`${report.file}`);
      console.log(`  스키마 / schema: ${report.schemaVersion} (이 버전은 ${report.knownSchemaVersion}까지 / this version knows ${report.knownSchemaVersion})`);
      console.log(`  마지막 리비전 / last revision: ${report.revision}`);
      for (const k of kinds) console.log(`  ${k}: ${report.rows[k].live} live, ${report.rows[k].deleted} deleted`);
      console.log(`  시·도 / cities: ${report.cities.map((c) => `${c.name} (${c.code}, 동 ${c.dongs})`).join(', ') || '-'}`);
      const b = report.lastBackup;
      console.log(
        b
          ? `  마지막 백업 / last backup: ${b.file} (${b.takenAt}, revision ${b.revision}, ${b.ageHours.toFixed(1)} h ago) — ${report.backupRecent ? '최근 / recent' : '오래됨 / OLD'}`
          : '  백업 없음 / no backup recorded — POST /api/backup or serve --backup-every 24h',
      );
      if (!report.backupRecent) process.exitCode = 2;
    });
}

/** `demo generate`: synthetic data at scale. */
function demoCommands(program: Command): void {
  const demo = program.command('demo').description('demo data / 데모 데이터');
  demo
    .command('generate')
    .description('synthetic data at scale, for benchmarks and trying the views')
    .requiredOption('--dongs <n>', 'number of dongs', positive)
    .requiredOption('--years <n>', 'number of years (one phase each, from 2019)', positive)
    .requiredOption('--db <path>', 'DuckDB file')
    .option('--seed <n>', 'random seed', positive, 1)
    .option('--cities <n>', 'number of cities (default: about one per 14 districts)', positive)
    .action(async (opts: { dongs: number; years: number; db: string; seed: number; cities?: number }) => {
      await withStore(opts.db, async (store) => {
        const bar = progressBar('demo generate');
        let steps = 0;
        const report = await store.generate({
          dongs: opts.dongs,
          years: opts.years,
          seed: opts.seed,
          cities: opts.cities,
          onProgress: (step) => bar.update(++steps, undefined, step),
        });
        bar.done();
        console.log(JSON.stringify(report));
      });
    });
}

/** Runs `work` on the store of `db`, closing it afterwards whatever happens. */
async function withStore<T>(db: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(db);
  try {
    return await work(store);
  } finally {
    store.close();
  }
}

/** The command line writes as an administrator (it holds the database file itself). */
const cliActor = { tokenId: 'cli', name: `command line (${process.env.USER ?? 'admin'})`, role: 'admin' as const, dong: null, district: null, city: null };

const kindOption = (v: string): Kind => {
  if (!isKind(v)) throw new InvalidArgumentError(`kind: ${kinds.join(', ')}`);
  return v;
};

const whole = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('0 이상의 정수 / a whole number ≥ 0');
  return n;
};

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('양의 정수 / a whole number ≥ 1');
  return n;
};

/** A refused workbook, or storing that stopped, in both languages (with the batches stored). */
function importFailure(error: unknown): unknown {
  if (error instanceof WorkbookError) return new Error(`${error.body.ko}\n${error.body.en}`);
  if (error instanceof ImportIncompleteError) {
    const ids = error.stored.map((b) => `  ${b.batchId} ${b.sheet} ${b.rows}행`).join('\n');
    return new Error(
      `저장하다가 멈췄습니다 / storing stopped: ${(error.cause as Error)?.message ?? String(error.cause)}\n` +
        `저장된 배치 / batches stored (${error.stored.length}):\n${ids}\n같은 파일을 다시 가져오면 나머지를 저장합니다 / import the same file again to store the rest.`,
    );
  }
  return error;
}

/** The import report for a person: per sheet what came in, what was skipped and every refused cell. */
function printImport(report: ImportReport, dryRun: boolean): void {
  const encoding = report.encoding ? ` (CSV, ${report.encoding === 'euc-kr' ? 'CP949/EUC-KR' : report.encoding.toUpperCase()})` : '';
  console.log(`${report.file}${encoding}${dryRun ? ' (미리보기 / dry run: 저장하지 않음)' : ''}`);
  for (const sheet of report.sheets) {
    if (sheet.error) {
      console.log(`  [${sheet.sheet}] ${sheet.error.message.ko} / ${sheet.error.message.en}`);
      continue;
    }
    console.log(
      `  [${sheet.sheet}] ${sheet.kind}: 머리글 ${sheet.header?.row}행 · 가져옴 ${sheet.counts.accepted} · 거부 ${sheet.counts.rejected} · 건너뜀 ${sheet.counts.skipped}`,
    );
    const defs = sheet.kind ? sheets[sheet.kind].columns : [];
    const mapped = (sheet.header?.columns ?? []).map((c) => `${c.column} ${c.header}→${defs.find((d) => d.field === c.field)?.header ?? c.field}`);
    const ignored = (sheet.header?.ignored ?? []).map((c) => `${c.column} ${c.header}`);
    console.log(`    열 / columns: ${mapped.join(' · ')}${ignored.length > 0 ? ` | 읽지 않음 / not read: ${ignored.join(' · ')}` : ''}`);
    for (const r of sheet.rejected) console.log(`    ✗ ${r.column}${r.row} ${r.message.ko} (${r.message.en})`);
    for (const w of sheet.warnings) console.log(`    ! ${w.column}${w.row} ${w.message.ko}`);
    for (const s of sheet.skipped) console.log(`    – ${s.row}행 ${s.message.ko}`);
  }
}

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  const message = error instanceof StoreError ? `${error.message} [${error.code}]` : (error as Error).message;
  console.error(message);
  process.exitCode = 1;
}
