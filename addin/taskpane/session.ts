// The signed-in token: for this session of the pane only (sessionStorage), or remembered in this
// browser profile (localStorage; in Office, the user's own profile) when the official asks to stay
// signed in.
const key = 'jachi-ledger.token';

function storage(kind: 'localStorage' | 'sessionStorage'): Storage | null {
  try {
    return globalThis[kind] ?? null;
  } catch {
    // Storage can be switched off (privacy settings, some Office hosts): then the token lasts the session.
    return null;
  }
}

function read(kind: 'localStorage' | 'sessionStorage'): string | null {
  try {
    return storage(kind)?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(kind: 'localStorage' | 'sessionStorage', token: string | null): void {
  try {
    if (token === null) storage(kind)?.removeItem(key);
    else storage(kind)?.setItem(key, token);
  } catch {
    /* memory only */
  }
}

let memory: string | null = null;

export function loadToken(): string | null {
  return read('localStorage') ?? read('sessionStorage') ?? memory;
}

/** True when the token is kept beyond this session (the official chose to stay signed in). */
export function tokenRemembered(): boolean {
  return read('localStorage') !== null;
}

/** Keeps the token for this session, or in the profile with `remember` (and only in one of them). */
export function saveToken(token: string, remember: boolean): void {
  memory = token;
  write(remember ? 'localStorage' : 'sessionStorage', token);
  write(remember ? 'sessionStorage' : 'localStorage', null);
}

export function clearToken(): void {
  memory = null;
  write('localStorage', null);
  write('sessionStorage', null);
}
