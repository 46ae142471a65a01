import { Worker } from 'node:worker_threads';

/**
 * The HTTP client of a benchmark in a thread of its own, as a user's client is a program of its
 * own: its work (writing the request, reading and unzipping the answer) is not the service's, and
 * the service's thread is not the client's. It sends the requests in order, `inFlight` on their way
 * at once (the add-in's sync engine sends three: addin/sync/engine.ts `batchesInFlight`), and times
 * them all.
 *
 * It is Node's own `http` on a kept-alive connection, each body sent as its UTF-8 bytes and each
 * answer asked gzipped and unzipped in one call, as a browser's fetch does natively. Undici's fetch
 * (Node's) decodes gzip through JavaScript web streams: 40–70 ms for each 5,000-row answer on the
 * development machine, in the client, which a browser spends a few milliseconds on (docs/performance-history.md, "Benchmarks": the seventh session).
 */
const clientCode = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const zlib = require('node:zlib');
const agent = new http.Agent({ keepAlive: true, maxSockets: workerData.inFlight });
function post(url, headers, body) {
  return new Promise((resolve, reject) => {
    const named = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    const req = http.request(url, { method: 'POST', agent, headers: { ...named, 'accept-encoding': 'gzip', 'content-length': body.length } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        try {
          const bytes = Buffer.concat(chunks);
          resolve({ status: res.statusCode, body: res.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(bytes) : bytes });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
(async () => {
  const { url, headers, bodies, inFlight } = workerData;
  const encoded = bodies.map((body) => Buffer.from(body, 'utf8'));
  const times = [];
  let next = 0;
  // Each lane takes the next body once its last is answered: at most inFlight on their way.
  const lane = async () => {
    while (next < encoded.length) {
      const i = next++;
      const t = performance.now();
      const answer = await post(url, headers, encoded[i]);
      if (answer.status < 200 || answer.status > 299) throw new Error('HTTP ' + answer.status + ': ' + answer.body.toString('utf8').slice(0, 300));
      times[i] = performance.now() - t;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  agent.destroy();
  parentPort.postMessage({ totalMs: performance.now() - t0, times });
})().catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
`;

export interface PostedRuns {
  /** From the first request sent to the last answer read. */
  totalMs: number;
  /** Each request's, in order. */
  times: number[];
}

/** POSTs `bodies` to `url` in order from a client thread, `inFlight` at once; resolves once every answer is read. */
export function postFromClient(url: string, headers: Record<string, string>, bodies: readonly string[], inFlight = 1): Promise<PostedRuns> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(clientCode, { eval: true, workerData: { url, headers, bodies, inFlight } });
    worker.once('message', (m: PostedRuns | { error: string }) => {
      void worker.terminate();
      if ('error' in m) reject(new Error(m.error));
      else resolve(m);
    });
    worker.once('error', reject);
  });
}
