import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let child: ChildProcess | undefined;
const dirs: string[] = [];
/** Whether `process` has exited (with its code) within `ms`. */
function exitOf(service: ChildProcess, ms: number): Promise<number | null | 'running'> {
  if (service.exitCode !== null || service.signalCode !== null) return Promise.resolve(service.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('running'), ms);
    service.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

afterEach(async () => {
  // Stopped, and gone, before its folder is removed (a service left running would hold the machine's CPU).
  if (child) {
    child.kill('SIGTERM');
    if ((await exitOf(child, 20_000)) === 'running') child.kill('SIGKILL');
  }
  child = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** What the service last started has printed so far (it goes on after `serve` resolves). */
let printed = '';

/** Starts `jachi serve` and resolves with what it printed once it is listening. */
function serve(args: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'jachi-serve-'));
  dirs.push(dir);
  printed = '';
  return new Promise((resolve, reject) => {
    child = spawn(process.execPath, ['bin/jachi.mjs', 'serve', '--port', '0', '--db', join(dir, 'j.duckdb'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      printed += d.toString();
      if (/Jachi Ledger: \S+/.test(printed)) resolve(printed);
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

describe('jachi serve --demo (npm start)', () => {
  it('serves the API and the task pane over the demo, printing a working token per role', async () => {
    const out = await serve(['--demo']);
    const base = /Jachi Ledger: (http:\/\/localhost:\d+)\/taskpane\.html/.exec(out)![1]!;
    const tokens = Object.fromEntries([...out.matchAll(/^\s+(dong|district|analyst|manager|admin)\s+(jachi_\S+)/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(tokens).sort()).toEqual(['admin', 'analyst', 'district', 'dong', 'manager']);
    expect(await (await fetch(`${base}/api/health`)).json()).not.toHaveProperty('rows');
    const health = (await (await fetch(`${base}/api/health`, { headers: { authorization: `Bearer ${tokens.dong}` } })).json()) as any;
    expect(health).toMatchObject({ status: 'ok', rows: { spending: 80 } });
    const meta = (await (await fetch(`${base}/api/meta`, { headers: { authorization: `Bearer ${tokens.dong}` } })).json()) as any;
    expect(meta.me).toMatchObject({ role: 'dong', dong: '30110-gayang2' });
    const page = await fetch(`${base}/taskpane.html`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('appsforoffice.microsoft.com/lib/1/hosted/office.js');
  });

  it('stops on SIGTERM while a pane listens to its events: the stream ends, the service exits 0', async () => {
    const out = await serve(['--demo']);
    const base = /Jachi Ledger: (http:\/\/localhost:\d+)/.exec(out)![1]!;
    const token = /^\s+dong\s+(jachi_\S+)/m.exec(out)![1]!;
    const events = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${token}` } });
    const reader = events.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain(': connected');
    const running = child!;
    running.kill('SIGTERM');
    expect(await exitOf(running, 10_000)).toBe(0);
    // The stream was ended by the service, not cut.
    for (let part = await reader.read(); !part.done; part = await reader.read());
  }, 30_000);

  it('logs a JSON line for each request on standard output, every one of them written by the time it stops', async () => {
    const out = await serve(['--demo']);
    const service = child!;
    const base = /Jachi Ledger: (http:\/\/localhost:\d+)/.exec(out)![1]!;
    const token = /^\s+manager\s+(jachi_\S+)/m.exec(out)![1]!;
    const ids: string[] = [];
    for (const path of ['/api/meta', '/api/compare/summary', '/api/compare/league']) {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      ids.push(res.headers.get('x-request-id')!);
    }
    // Stopped at once: the lines still waiting to be written go out before it exits.
    service.kill('SIGTERM');
    expect(await exitOf(service, 20_000)).toBe(0);
    const logged = printed
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { id: string; route: string; status: number });
    expect(ids.map((id) => logged.find((line) => line.id === id))).toMatchObject([
      { route: '/api/meta', status: 200 },
      { route: '/api/compare/:name', status: 200 },
      { route: '/api/compare/:name', status: 404 },
    ]);
  }, 30_000);

  it('serves HTTPS with the Office development certificate', async () => {
    const out = await serve(['--https']);
    const base = /Jachi Ledger: (https:\/\/localhost:\d+)/.exec(out)![1]!;
    const { get } = await import('node:https');
    const status = await new Promise<number>((resolve, reject) =>
      get(`${base}/api/health`, { rejectUnauthorized: false }, (res) => resolve(res.statusCode ?? 0)).on('error', reject),
    );
    expect(status).toBe(200);
  });
});
