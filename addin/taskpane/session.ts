// The signed-in token, remembered in this browser profile (in Office: the user's own profile).
const key = 'jachi-ledger.token';

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // Storage can be switched off (privacy settings, some Office hosts): then the token lasts the session.
    return null;
  }
}

let memory: string | null = null;

export function loadToken(): string | null {
  try {
    return storage()?.getItem(key) ?? memory;
  } catch {
    return memory;
  }
}

export function saveToken(token: string): void {
  memory = token;
  try {
    storage()?.setItem(key, token);
  } catch {
    /* memory only */
  }
}

export function clearToken(): void {
  memory = null;
  try {
    storage()?.removeItem(key);
  } catch {
    /* nothing stored */
  }
}
