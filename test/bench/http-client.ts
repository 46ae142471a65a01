import { Worker } from 'node:worker_threads';

/**
 * The HTTP client of a benchmark in a thread of its own, as a user's client is a program of its
 * own: its work (writing the request, reading and unzipping the answer) is not the service's, and
 * the service's thread is not the client's. It sends the requests one after another, each once the
 * last is answered, and times them all.
 */
const clientCode = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { url, headers, bodies } = workerData;
  const times = [];
  const t0 = performance.now();
  for (const body of bodies) {
    const t = performance.now();
    const res = await fetch(url, { method: 'POST', headers, body });
    const answer = await res.arrayBuffer();
    if (!res.ok) throw new Error('HTTP ' + res.status + ': ' + Buffer.from(answer).toString('utf8').slice(0, 300));
    times.push(performance.now() - t);
  }
  parentPort.postMessage({ totalMs: performance.now() - t0, times });
})().catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
`;

export interface PostedRuns {
  /** From the first request sent to the last answer read. */
  totalMs: number;
  /** Each request's, in order. */
  times: number[];
}

/** POSTs `bodies` to `url` in order from a client thread; resolves once every answer is read. */
export function postFromClient(url: string, headers: Record<string, string>, bodies: readonly string[]): Promise<PostedRuns> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(clientCode, { eval: true, workerData: { url, headers, bodies } });
    worker.once('message', (m: PostedRuns | { error: string }) => {
      void worker.terminate();
      if ('error' in m) reject(new Error(m.error));
      else resolve(m);
    });
    worker.once('error', reject);
  });
}
