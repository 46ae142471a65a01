// The command line itself (service/cli.ts) through tsx: in the main thread, or in the worker thread
// bin/jachi.mjs starts for `jachi serve`.
import { register } from 'tsx/esm/api';

register();
await import('../service/cli.ts');
