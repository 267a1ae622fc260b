// Who this browser is to the server. The client id lives in sessionStorage: a reload keeps it
// (same member, same rate-limit key, resumable), a second tab is a second member. The name the
// person typed is remembered across visits.

const ID_KEY = 'marquee.clientId';
const NAME_KEY = 'marquee.name';

/** crypto.randomUUID needs a secure context; phones on a LAN often load over plain http. */
export function randomId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return 'w-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function clientId(storage: Storage | null = safeStorage('session')): string {
  const known = storage?.getItem(ID_KEY);
  if (known && /^[A-Za-z0-9._:-]{1,64}$/.test(known)) return known;
  const id = randomId();
  storage?.setItem(ID_KEY, id);
  return id;
}

export function savedName(): string {
  return safeStorage('local')?.getItem(NAME_KEY) ?? '';
}

export function saveName(name: string): void {
  safeStorage('local')?.setItem(NAME_KEY, name);
}

export function ownerToken(code: string): string | null {
  return safeStorage('local')?.getItem(`marquee.owner.${code}`) ?? null;
}

export function saveOwnerToken(code: string, token: string): void {
  safeStorage('local')?.setItem(`marquee.owner.${code}`, token);
}

/** Storage can be missing or throw (private modes, embedded browsers): then nothing is kept. */
export function safeStorage(kind: 'local' | 'session'): Storage | null {
  try {
    const s = kind === 'local' ? window.localStorage : window.sessionStorage;
    s.getItem('x');
    return s;
  } catch {
    return null;
  }
}
