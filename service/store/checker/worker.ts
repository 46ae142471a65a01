import { parentPort } from 'node:worker_threads';
import { ReferenceIndex } from '../../../domain/index.ts';
import { checkSyncBody } from './batch.ts';
import type { CheckReply, CheckRequest } from './messages.ts';

// The checker's thread: reads each sync body it is sent and checks its rows against the reference
// it was last sent (a city's token against its city's part), answering in the order asked.

let reference: { version: number; index: ReferenceIndex } | undefined;

parentPort!.on('message', (request: CheckRequest) => {
  let reply: CheckReply;
  try {
    if (request.reference) reference = { version: request.reference.version, index: new ReferenceIndex(request.reference.data) };
    if (!reference) throw new Error('no reference sent');
    const index = request.city !== null ? reference.index.forCity(request.city) : reference.index;
    const outcome = checkSyncBody(request.kind, request.bytes, request.limits, index);
    reply = 'refused' in outcome ? { id: request.id, refusal: outcome } : { id: request.id, checked: outcome, version: reference.version };
  } catch (error) {
    reply = { id: request.id, error: String((error as Error)?.stack ?? error) };
  }
  parentPort!.postMessage(reply);
});

parentPort!.postMessage('ready');
