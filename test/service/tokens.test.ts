import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startService, type TestService } from '../support/service.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
});
afterAll(() => svc.close());

/** The random part of `jachi_<id>_<secret>`. */
const secretOf = (token: string) => token.slice('jachi_'.length + 13);

describe('tokens', () => {
  it('are 256 random bits, stored only as SHA-256 hashes: no raw token anywhere in the database', async () => {
    const secrets = Object.values(svc.tokens);
    for (const s of secrets) expect(Buffer.from(secretOf(s), 'base64url')).toHaveLength(32);
    const stored = (await svc.store.reader.runAndReadAll('SELECT * FROM tokens')).getRowObjectsJson();
    const dump = JSON.stringify(stored);
    for (const s of secrets) expect(dump).not.toContain(secretOf(s));
    await svc.store.reader.run('CHECKPOINT');
    for (const file of readdirSync(svc.dir)) {
      const bytes = readFileSync(join(svc.dir, file)).toString('latin1');
      for (const s of secrets) expect(bytes.includes(secretOf(s))).toBe(false);
    }
  });

  it('can be revoked and expire', async () => {
    const t = await svc.store.createToken({ role: 'analyst', name: 'short', expiresAt: new Date(Date.now() + 60_000) });
    const use = () => svc.app.request('/api/meta', { headers: { authorization: `Bearer ${t.token}` } });
    expect((await use()).status).toBe(200);
    const gone = await svc.store.createToken({ role: 'analyst', name: 'past', expiresAt: new Date(Date.now() - 1000) });
    const expired = await svc.app.request('/api/meta', { headers: { authorization: `Bearer ${gone.token}` } });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as any).error.code).toBe('token_expired');
    expect(await svc.store.revokeToken(t.id)).toBe(true);
    expect((await use()).status).toBe(401);
    expect(await svc.store.revokeToken(t.id)).toBe(false);
  });

  it('stop working the moment they expire, even just after a request signed in with them', async () => {
    const t = await svc.store.createToken({ role: 'analyst', name: 'brief', expiresAt: new Date(Date.now() + 1500) });
    const use = () => svc.app.request('/api/meta', { headers: { authorization: `Bearer ${t.token}` } });
    expect((await use()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    const late = await use();
    expect(late.status).toBe(401);
    expect(((await late.json()) as any).error.code).toBe('token_expired');
  });

  it('are managed over HTTP by admins only', async () => {
    expect((await svc.json('GET', '/api/tokens', 'manager')).status).toBe(403);
    const made = await svc.json('POST', '/api/tokens', 'admin', { role: 'dong', dong: '진잠동', name: '진잠동 간사' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ role: 'dong', dong: '30200-jinjam' });
    const listed = await svc.json('GET', '/api/tokens', 'admin');
    expect(listed.body.tokens.find((t: any) => t.id === made.body.id)).toBeDefined();
    expect(JSON.stringify(listed.body)).not.toContain(made.body.token);
    const bad = await svc.json('POST', '/api/tokens', 'admin', { role: 'dong', name: 'x' });
    expect(bad.status).toBe(400);
    const own = { authorization: `Bearer ${made.body.token}` };
    expect((await svc.app.request('/api/meta', { headers: own })).status).toBe(200);
    expect((await svc.json('DELETE', `/api/tokens/${made.body.id}`, 'admin')).status).toBe(200);
    expect((await svc.app.request('/api/meta', { headers: own })).status).toBe(401);
  });
});

describe('jachi token (command line)', () => {
  const jachi = (...args: string[]) => execFileSync(process.execPath, ['bin/jachi.mjs', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('creates a token printed alone on the last line, lists it and revokes it', () => {
    const db = join(svc.dir, 'cli.duckdb');
    const out = jachi('token', 'create', '--role', 'district', '--district', '유성구', '--name', '유성구 담당', '--expires', '30d', '--db', db);
    const last = out.trim().split('\n').at(-1)!;
    expect(last).toMatch(/^jachi_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const id = last.split('_')[1]!;
    expect(jachi('token', 'list', '--db', db)).toContain(`${id}\tdistrict\t30200\tactive`);
    expect(jachi('token', 'revoke', id, '--db', db)).toContain(id);
    expect(jachi('token', 'list', '--db', db)).toContain(`${id}\tdistrict\t30200\trevoked`);
  });

  it('fails with a reason on standard error and a non-zero exit', () => {
    const db = join(svc.dir, 'cli2.duckdb');
    try {
      jachi('token', 'create', '--role', 'dong', '--dong', '없는동', '--name', 'x', '--db', db);
      expect.unreachable();
    } catch (error) {
      const e = error as { status: number; stderr: string };
      expect(e.status).not.toBe(0);
      expect(e.stderr).toContain('--dong');
      expect(e.stderr).toMatch(/[가-힣]/);
    }
  });
});
