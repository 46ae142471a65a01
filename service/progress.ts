/** A one-line progress bar on standard error, drawn only when it is a terminal. */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const live = Boolean(stream.isTTY);
  let last = 0;
  return {
    update(done: number, total?: number, note = '') {
      if (!live) return;
      const now = Date.now();
      if (now - last < 100 && (!total || done < total)) return;
      last = now;
      const width = 24;
      const bar = total ? '█'.repeat(Math.round((Math.min(done, total) / total) * width)).padEnd(width, '░') : '';
      const figures = total ? `${Math.floor((done / total) * 100)}%` : done.toLocaleString('en');
      stream.write(`\r${label} ${bar} ${figures} ${note}`.slice(0, (stream.columns ?? 100) - 1).padEnd(Math.min(stream.columns ?? 100, 100) - 1));
    },
    done() {
      if (live) stream.write('\n');
    },
  };
}
