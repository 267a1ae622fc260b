import type { ChatMessage, JoinedFrame } from '../lib/protocol';

export const joinedFrame = (over: Partial<JoinedFrame> = {}): JoinedFrame => ({
  type: 'joined',
  session: 'K7QX2M',
  role: 'controller',
  clientId: 'me',
  lastSeq: 0,
  epoch: 'e1',
  expiresAt: '2030-01-01T00:00:00Z',
  presence: { controller: 1, display: 1 },
  recovered: false,
  ...over,
});

export const chat = (seq: number, text = `m${seq}`, from = 'a'): ChatMessage => ({
  session: 'K7QX2M',
  seq,
  ts: 1_700_000_000_000 + seq * 1000,
  from: { clientId: from, name: from === 'me' ? 'Me' : 'Alice', role: 'controller' },
  text,
});

/** A fetch that answers by path prefix; records the URLs asked for. */
export function routeFetch(routes: Record<string, unknown>) {
  const urls: string[] = [];
  const fetchImpl = async (url: string) => {
    urls.push(url);
    const key = Object.keys(routes)
      .sort((a, b) => b.length - a.length)
      .find((k) => url.includes(k));
    if (!key) return answer(404, { error: { code: 'not_found', message: 'no' } });
    const body = routes[key];
    return answer(200, typeof body === 'function' ? body(url) : body);
  };
  return { urls, fetchImpl: fetchImpl as unknown as typeof fetch };
}

/** Just enough of a Response, settled at once (a real one's body streams on timers). */
export function answer(status: number, body: unknown) {
  const text = JSON.stringify(body);
  return { ok: status < 400, status, headers: { get: () => null }, text: async () => text };
}
