/**
 * `jachi serve`: the store, the app and the HTTP(S) server, started in the thread that calls it
 * (`cli.ts` runs it in a worker thread with a capped heap, or in its own thread with `--heap 0`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer as createHttpsServer } from 'node:https';
import { serve } from '@hono/node-server';
import { Store } from './store/store.ts';
import { createApp } from './app.ts';
import { defaultLimits } from './http/limits.ts';
import { batchedLines } from './http/log.ts';
import { demoRoles, loadDemo } from './demo.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface ServeOptions {
  port: number;
  host: string;
  db: string;
  demo?: boolean;
  https?: boolean;
  addinOrigin: string;
  rate: number;
  burst: number;
  requestTimeout: number;
  memoryLimit: string;
  /** Read client addresses from X-Forwarded-For (behind the city's reverse proxy only). */
  trustProxy?: boolean;
  /** Where backups go (default: `backups/` beside the database file). */
  backupDir?: string;
  /** Take a backup this often, in milliseconds (`--backup-every 24h`); none when absent. */
  backupEvery?: number;
  /** Backups kept (the newest). */
  keep?: number;
  /** No request log lines on standard output. */
  quiet?: boolean;
  /** Largest sync body, in MB. */
  syncBody: number;
  /** Largest answer of an analyst query, in MB. */
  queryResult: number;
}

/** Opens the store, explaining the one common failure: another process holds the file. */
export async function openStore(path: string, options: { memoryLimit?: string } = {}): Promise<Store> {
  try {
    return await Store.open(resolve(path), options);
  } catch (error) {
    const message = (error as Error).message;
    if (/lock/i.test(message)) {
      throw new Error(
        `데이터베이스 파일(${path})을 다른 프로세스(실행 중인 서비스)가 쓰고 있습니다. 서비스를 멈추거나 API를 쓰세요.\n` +
          `The database file (${path}) is held by another process (a running service); stop it or use the API.`,
      );
    }
    throw error;
  }
}

/**
 * The Office development certificate (office-addin-dev-certs), as Excel needs for a sideloaded
 * add-in. Where the CA cannot be installed into the system's trust store (no sudo, a container),
 * the generated certificate is still served and the way to trust it is printed.
 */
async function devCertificates(): Promise<{ key: Buffer; cert: Buffer; ca?: Buffer }> {
  const certs = await import('office-addin-dev-certs');
  try {
    return await certs.getHttpsServerOptions();
  } catch (error) {
    const dir = join(homedir(), '.office-addin-dev-certs');
    const [key, cert, ca] = ['localhost.key', 'localhost.crt', 'ca.crt'].map((f) => join(dir, f));
    if (!existsSync(key!) || !existsSync(cert!)) throw error;
    console.error(
      `개발용 인증서를 시스템에 등록하지 못했습니다. 브라우저·Excel에서 ${ca}를 신뢰하도록 등록하세요.\n` +
        `Could not install the development CA (${(error as Error).message.split('\n')[0]}); trust ${ca} yourself.`,
    );
    return { key: readFileSync(key!), cert: readFileSync(cert!), ca: readFileSync(ca!) };
  }
}

/** How long requests still running when the service is told to stop may take before their connections are closed. */
const stopGraceMs = 5_000;

/** Opens the store, fills the demo when asked, and listens; resolves to a function that stops it all. */
export async function startServing(opts: ServeOptions): Promise<() => Promise<void>> {
  const store = await openStore(opts.db, { memoryLimit: opts.memoryLimit });
  if (opts.demo) {
    const counts = await store.counts();
    if (counts.spending + counts.participation + counts.progress === 0) {
      const loaded = await loadDemo(store);
      console.log(`대전 시범사업 데모를 채웠습니다 / Daejeon demo loaded: ${JSON.stringify(loaded)}`);
    }
    // Demo tokens are made anew at every start (the old ones revoked), so they can be printed.
    for (const t of await store.listTokens()) if (t.name.endsWith('(데모)') && !t.revokedAt) await store.revokeToken(t.id);
    console.log('데모 토큰 / demo tokens:');
    for (const spec of demoRoles) {
      const created = await store.createToken(spec);
      console.log(`  ${spec.role.padEnd(8)} ${created.token}   ${spec.name}`);
    }
  }
  const json = { ...defaultLimits.json, sync: { ...defaultLimits.json.sync, maxBytes: opts.syncBody * 1024 * 1024 } };
  const limits = {
    ratePerSecond: opts.rate,
    burst: opts.burst,
    requestTimeoutMs: opts.requestTimeout * 1000,
    longRequestTimeoutMs: opts.requestTimeout * 20_000,
    json,
    queryResultBytes: opts.queryResult * 1024 * 1024,
  };
  const backups = { dir: opts.backupDir ? resolve(opts.backupDir) : store.defaultBackupDir, keep: opts.keep ?? 14 };
  // What every sync needs is read before the service listens, so its first syncs do not wait for it.
  await store.syncs.warm();
  // One JSON line per request on standard output, written a batch at a time.
  const requestLines = batchedLines((text) => process.stdout.write(text));
  const app = createApp({
    store,
    addinOrigin: opts.addinOrigin,
    staticDir: join(root, 'dist', 'addin'),
    limits,
    trustProxy: opts.trustProxy === true,
    backups,
    log: opts.quiet ? undefined : (line) => requestLines.line(JSON.stringify(line)),
  });
  let backupTimer: NodeJS.Timeout | undefined;
  if (opts.backupEvery) {
    const every = opts.backupEvery;
    backupTimer = setInterval(() => {
      store.backup(backups.dir, backups.keep).then(
        (taken) => console.log(`백업 / backup: ${taken.file} (${taken.bytes} bytes, revision ${taken.revision})`),
        (error: unknown) => console.error(`백업 실패 / backup failed: ${(error as Error).message}`),
      );
    }, every);
    backupTimer.unref();
    console.log(
      `백업: ${backups.dir}에 ${every / 3_600_000}시간마다, 최근 ${backups.keep}개 보관 / backups every ${every / 3_600_000} h into ${backups.dir}, newest ${backups.keep} kept`,
    );
  }
  let serverOptions = {};
  if (opts.https) serverOptions = await devCertificates();
  const server = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host, ...(opts.https ? { createServer: createHttpsServer, serverOptions } : {}) }, (info) => {
    const url = `${opts.https ? 'https' : 'http'}://${opts.host === '127.0.0.1' ? 'localhost' : opts.host}:${info.port}`;
    console.log(`자치 장부 서비스 / Jachi Ledger: ${url}/taskpane.html  (API ${url}/api)`);
  });
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    clearInterval(backupTimer);
    // The panes' event streams end first (they would hold the server open), then new connections
    // are refused and connections closed as they fall idle (an ended stream's too); requests still
    // running get a few seconds to finish, then their connections are closed.
    store.changes.end();
    const connections = server as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
    const closed = new Promise<void>((done) => server.close(() => done()));
    const idle = setInterval(() => connections.closeIdleConnections?.(), 100);
    const cut = setTimeout(() => connections.closeAllConnections?.(), stopGraceMs);
    await closed;
    clearInterval(idle);
    clearTimeout(cut);
    // A request cut off may have left work with the writer (or a batch written, not yet read back): it
    // finishes (or the wait ends) first.
    await Promise.race([store.settled(), new Promise((done) => setTimeout(done, stopGraceMs).unref())]);
    store.close();
    requestLines.flush();
  };
  // Asked twice (two signals), it stops once.
  return () => (stopping ??= stop());
}
