// The sync checker's worker thread (started by service/store/checker/index.ts): the TypeScript
// checker through tsx's loader, as service/import/worker.mjs does for the import.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
