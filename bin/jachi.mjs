#!/usr/bin/env node
// The `jachi` command: runs the TypeScript command line through tsx's loader. `jachi serve` runs it
// in a worker thread whose JavaScript heap is capped (`--heap MB`, 256 by default; 0: no cap, in
// this thread): Node's own cap is a quarter of the machine's memory, and garbage from big answers
// would pile up to it. This thread then only starts the worker and passes signals on.
// First: DuckDB's allocator reads its options when DuckDB loads (bin/duckdb-allocator.mjs).
import './duckdb-allocator.mjs';
import { Worker } from 'node:worker_threads';

const args = process.argv.slice(2);
const heapAt = args.findIndex((a) => a === '--heap' || a.startsWith('--heap='));
const heap = heapAt < 0 ? 256 : Number(args[heapAt].includes('=') ? args[heapAt].slice('--heap='.length) : args[heapAt + 1]);
const helpWanted = args.includes('--help') || args.includes('-h');
/** How long a stop may take before the process ends anyway. */
const stopDeadlineS = 15;

if (args[0] === 'serve' && heap > 0 && Number.isSafeInteger(heap) && !helpWanted) {
  // A young generation of 24 MB (semi-spaces of 8 MB, not V8's 16): ~30 MB less peak memory under
  // `npm run load` at the same requests served and tails; 12 MB did no better there and may cost large
  // syncs up to 17% of their speed (docs/performance-history.md, "Load"). The sync checker's thread keeps V8's own.
  const worker = new Worker(new URL('./jachi-thread.mjs', import.meta.url), { argv: args, resourceLimits: { maxOldGenerationSizeMb: heap, maxYoungGenerationSizeMb: 24 } });
  worker.on('error', (error) => {
    console.error(
      error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `서비스가 메모리 한도(--heap ${heap} MB)에 닿아 멈췄습니다. 더 크게 주고 다시 시작하세요.\nThe service stopped at its memory limit (--heap ${heap} MB); start it again with more.`
        : error.code === 'EADDRINUSE'
          ? `포트를 이미 다른 프로그램이 쓰고 있습니다. --port로 다른 포트를 고르세요.\nThe port is already in use; choose another with --port. (${error.message})`
          : (error.stack ?? String(error)),
    );
    process.exitCode = 1;
  });
  worker.on('exit', (code) => process.exit(process.exitCode || code));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => worker.postMessage('stop'));
} else {
  await import('./jachi-thread.mjs');
}

// A stop closes the database cleanly (the service's own handler, in the worker or in this thread);
// should it not be done within the deadline, or on a second Ctrl+C, the process ends anyway: every
// acknowledged batch is in the file's WAL, replayed when it next opens. Only `serve` stops so.
if (args[0] === 'serve' && !helpWanted) {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      setTimeout(() => {
        console.error(`서비스가 ${stopDeadlineS}초 안에 멈추지 않아 강제로 종료합니다. / The service did not stop within ${stopDeadlineS} s; ending it.`);
        process.exit(1);
      }, stopDeadlineS * 1000).unref();
    });
  }
}
