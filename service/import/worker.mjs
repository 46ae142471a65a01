// The import's worker thread (started by service/import/reader.ts): the TypeScript reader through
// tsx's loader, as bin/jachi-thread.mjs does for `serve`, so it runs alike under vitest, under
// `node bin/jachi.mjs` and inside `serve`'s own worker thread.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
