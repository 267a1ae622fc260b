import { describe, expect, it } from 'vitest';
import { ApiError, MarqueeApi } from './api-client';

function answering(status: number, body: unknown, headers: Record<string, string> = {}) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body === undefined ? '' : JSON.stringify(body), { status, headers });
  }) as unknown as typeof fetch;
  return { calls, api: new MarqueeApi('http://h', fetchImpl) };
}

describe('MarqueeApi', () => {
  it('creates a session with a JSON body', async () => {
    const { api, calls } = answering(201, { code: 'K7QX2M', ownerToken: 't' });
    const created = await api.createSession('Lobby');
    expect(created.code).toBe('K7QX2M');
    expect(calls[0].url).toBe('http://h/api/session');
    expect(calls[0].init.method).toBe('POST');
    expect(calls[0].init.body).toBe('{"title":"Lobby"}');
  });

  it('encodes search queries', async () => {
    const { api, calls } = answering(200, { messages: [], page: 2, limit: 5, total: 0, hasMore: false });
    await api.search('K7QX2M', '"brown fox" & co', 2, 5);
    expect(calls[0].url).toBe('http://h/api/session/K7QX2M/history/search?q=%22brown+fox%22+%26+co&page=2&limit=5');
  });

  it('turns the protocol error body into an ApiError, with Retry-After in ms', async () => {
    const { api } = answering(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'Retry-After': '3' });
    const e = await api.session('K7QX2M').catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 429, code: 'rate_limited', message: 'slow down', retryAfterMs: 3000 });
  });

  it('names a network failure', async () => {
    const api = new MarqueeApi('', (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch);
    await expect(api.stats('K7QX2M')).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('sends the owner token to end a session', async () => {
    const { api, calls } = answering(200, { code: 'K7QX2M' });
    await api.endSession('K7QX2M', 'secret');
    expect(calls[0].init.method).toBe('DELETE');
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer secret');
  });

  it('locks and kicks with the owner token and a JSON body', async () => {
    const { api, calls } = answering(200, { code: 'K7QX2M', locked: true });
    expect(await api.lockSession('K7QX2M', true, 'secret')).toEqual({ code: 'K7QX2M', locked: true });
    await api.kick('K7QX2M', 'w-abc', 'secret');
    expect(calls.map((c) => [c.init.method, c.url, c.init.body])).toEqual([
      ['POST', 'http://h/api/session/K7QX2M/lock', '{"locked":true}'],
      ['POST', 'http://h/api/session/K7QX2M/kick', '{"clientId":"w-abc"}'],
    ]);
    for (const c of calls) {
      expect((c.init.headers as Record<string, string>).Authorization).toBe('Bearer secret');
    }
  });
});
