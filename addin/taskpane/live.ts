// The pane kept live: GET /api/events (server-sent events) read with fetch, since EventSource cannot
// send the token. Views subscribe and refresh what they show when a change they may see commits; the
// stream reconnects by itself after a drop (waiting as the service's `retry:` says, longer each time
// up to a minute), and stops for good when the token is refused.

export interface RevisionEvent {
  revision: number;
  kinds: string[];
}

export interface LiveOptions {
  token: string;
  baseUrl?: string;
  fetch?: typeof fetch;
  /** The token was refused (revoked or expired): the pane should ask for another. */
  onRefused?: () => void;
}

export class Live {
  readonly #listeners = new Set<(event: RevisionEvent) => void>();
  readonly #stop = new AbortController();
  readonly #options: LiveOptions;
  #retryMs = 3000;
  #failures = 0;
  /** The time of the last change heard of, or of connecting: what the views' "as of" says. */
  asOf = new Date();
  connected = false;

  constructor(options: LiveOptions) {
    this.#options = options;
  }

  /** Calls `listener` on each change; the answer unsubscribes. */
  on(listener: (event: RevisionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    void this.#run();
  }

  stop(): void {
    this.#stop.abort();
  }

  async #run(): Promise<void> {
    const fetchFn = this.#options.fetch ?? globalThis.fetch.bind(globalThis);
    const base = (this.#options.baseUrl ?? '').replace(/\/$/, '');
    while (!this.#stop.signal.aborted) {
      try {
        const response = await fetchFn(`${base}/api/events`, {
          headers: { Accept: 'text/event-stream', Authorization: `Bearer ${this.#options.token}` },
          signal: this.#stop.signal,
          cache: 'no-store',
        });
        if (response.status === 401) {
          this.#options.onRefused?.();
          return;
        }
        if (!response.ok || !response.body) throw new Error(`events: ${response.status}`);
        this.connected = true;
        this.#failures = 0;
        await this.#read(response.body);
      } catch {
        if (this.#stop.signal.aborted) return;
        this.#failures++;
      }
      this.connected = false;
      const wait = Math.min(60_000, this.#retryMs * Math.max(1, this.#failures));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        this.#dispatch(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
      }
    }
  }

  /** One event block: `retry:` sets the reconnect wait; `event: revision` with its data goes to the listeners. */
  #dispatch(block: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) this.#retryMs = Number(value);
    }
    if (event !== 'revision' || data.length === 0) return;
    let parsed: RevisionEvent;
    try {
      parsed = JSON.parse(data.join('\n')) as RevisionEvent;
    } catch {
      return;
    }
    this.asOf = new Date();
    for (const listener of this.#listeners) listener(parsed);
  }
}
