/**
 * Python with pyarrow and pandas, for tests that read our files the way analysts do. Uses the
 * machine's own when it has them; else installs them once with pip (`--target`, into a folder of
 * the temp dir, from the package index pip is configured with). Says why when neither works, so a
 * test can skip that part with the reason.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Pyarrow = { ok: true; run: (script: string, args: string[]) => string } | { ok: false; reason: string };

const target = join(tmpdir(), 'jachi-test-pyarrow');

function works(env: NodeJS.ProcessEnv): boolean {
  return spawnSync('python3', ['-c', 'import pyarrow, pandas'], { env, stdio: 'ignore' }).status === 0;
}

let found: Pyarrow | undefined;

export function pyarrow(): Pyarrow {
  if (found) return found;
  const own = { ...process.env };
  const installed = { ...process.env, PYTHONPATH: target };
  let env: NodeJS.ProcessEnv | undefined;
  if (spawnSync('python3', ['--version'], { stdio: 'ignore' }).status !== 0) return (found = { ok: false, reason: 'python3 is not installed' });
  if (works(own)) env = own;
  else if (existsSync(target) && works(installed)) env = installed;
  else {
    const pip = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', target, 'pyarrow', 'pandas'], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (works(installed)) env = installed;
    else return (found = { ok: false, reason: `pyarrow could not be installed: ${(pip.stderr || pip.error?.message || '').trim().split('\n').pop()}` });
  }
  return (found = { ok: true, run: (script, args) => execFileSync('python3', ['-c', script, ...args], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }) });
}
