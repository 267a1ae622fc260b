import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MarqueeClient } from '../../lib/ws-client';
import { MarqueeApi } from '../../lib/api-client';
import { FakeSocket } from '../../test/fake-socket';
import { chat, joinedFrame, routeFetch } from '../../test/fixtures';
import { mergeBySeq, useLiveMessages } from './useLiveMessages';
import { usePresence } from './usePresence';
import { useOutbox } from './useOutbox';
import { useMessageHistory } from './useMessageHistory';

function connected() {
  const sockets: FakeSocket[] = [];
  const client = new MarqueeClient({
    url: 'ws://h/ws',
    session: 'K7QX2M',
    role: 'controller',
    name: 'Me',
    clientId: 'me',
    socket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    random: () => 0,
  });
  client.start();
  const last = () => sockets[sockets.length - 1];
  last().open();
  return { client, last, sockets };
}

const flush = () =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(400);
  });

describe('mergeBySeq', () => {
  it('orders by seq, keeps each seq once and only the newest', () => {
    const merged = mergeBySeq([chat(2), chat(4)], [chat(3), chat(4, 'dup'), chat(1), chat(5)], 4);
    expect(merged.map((m) => m.seq)).toEqual([2, 3, 4, 5]);
    expect(merged[2].text).toBe('m4');
  });
});

describe('session hooks', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('useLiveMessages loads recent history when nothing was recovered, then adds live messages once', async () => {
    const { client, last } = connected();
    const { fetchImpl, urls } = routeFetch({ '/history/latest': { messages: [chat(1), chat(2), chat(3)] } });
    const api = new MarqueeApi('', fetchImpl);
    const { result } = renderHook(() => useLiveMessages(client, 'K7QX2M', 50, api));
    act(() => {
      last().frame(joinedFrame({ lastSeq: 2 }));
      last().frame({ type: 'message', ...chat(3) });
    });
    await flush();
    expect(urls).toEqual(['/api/session/K7QX2M/history/latest?limit=50']);
    expect(result.current.map((m) => m.seq)).toEqual([1, 2, 3]);
    act(() => last().frame({ type: 'message', ...chat(4) }));
    expect(result.current.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    client.stop();
  });

  it('useLiveMessages forgets what it showed when the epoch changes', async () => {
    const { client, last } = connected();
    const { fetchImpl } = routeFetch({ '/history/latest': { messages: [] } });
    const api = new MarqueeApi('', fetchImpl);
    const { result } = renderHook(() => useLiveMessages(client, 'K7QX2M', 50, api));
    act(() => {
      last().frame(joinedFrame({ lastSeq: 0 }));
      last().frame({ type: 'message', ...chat(1, 'old world') });
    });
    await flush();
    expect(result.current).toHaveLength(1);
    act(() => last().drop(1006));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1000);
    });
    act(() => {
      last().open();
      last().frame(joinedFrame({ epoch: 'e2', lastSeq: 0, recovered: false }));
    });
    await flush();
    expect(result.current).toEqual([]);
    client.stop();
  });

  it('usePresence takes counts from the socket and names from the list', async () => {
    const { client, last } = connected();
    const users = [
      { clientId: 'd', name: 'TV', role: 'display', joinedAt: '', lastActiveAt: '', idle: false, via: 'ws' },
      { clientId: 'me', name: 'Me', role: 'controller', joinedAt: '', lastActiveAt: '', idle: false, via: 'ws' },
    ];
    const { fetchImpl, urls } = routeFetch({ '/presence/users': { users } });
    const api = new MarqueeApi('', fetchImpl);
    const { result } = renderHook(() => usePresence(client, 'K7QX2M', api));
    act(() => last().frame(joinedFrame({ presence: { controller: 1, display: 1 } })));
    await flush();
    expect(result.current.counts).toEqual({ controller: 1, display: 1 });
    expect(result.current.byRole.display.map((u) => u.name)).toEqual(['TV']);
    const before = urls.length;
    act(() => {
      for (let i = 0; i < 5; i++) {
        last().frame({
          type: 'presence',
          event: 'join',
          user: { clientId: `c${i}`, name: `P${i}`, role: 'controller' },
          counts: { controller: 2 + i, display: 1 },
        });
      }
    });
    await flush();
    expect(result.current.counts).toEqual({ controller: 6, display: 1 });
    expect(urls.length - before).toBe(1); // five events, one refetch
    client.stop();
  });

  it('useOutbox tracks each message to its ack or refusal, and the rate-limit wait', async () => {
    const { client, last } = connected();
    act(() => last().frame(joinedFrame()));
    const { result } = renderHook(() => useOutbox(client));
    act(() => {
      result.current.send('first');
      result.current.send('second');
    });
    const [a, b] = result.current.items;
    expect(a.state).toBe('sending');
    act(() => {
      last().frame({ type: 'ack', ref: a.ref, seq: 7 });
      last().frame({ type: 'error', code: 'rate_limited', message: 'slow', ref: b.ref, retryAfterMs: 4000 });
    });
    expect(result.current.items.map((i) => [i.state, i.seq, i.reason])).toEqual([
      ['sent', 7, undefined],
      ['refused', undefined, 'Too many messages'],
    ]);
    expect(result.current.blockedUntil).toBeGreaterThan(Date.now());
    await act(async () => {
      await vi.advanceTimersByTimeAsync(4001);
    });
    expect(result.current.blockedUntil).toBeNull();
    client.stop();
  });

  it('useOutbox marks a message in flight during a drop unconfirmed, until it comes back from the server', async () => {
    const { client, last } = connected();
    act(() => last().frame(joinedFrame()));
    const { result } = renderHook(() => useOutbox(client));
    act(() => {
      result.current.send('in flight');
    });
    act(() => last().drop(1006));
    expect(result.current.items[0].state).toBe('unconfirmed');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1000);
    });
    act(() => {
      last().open();
      last().frame(joinedFrame({ recovered: true }));
      last().frame({ type: 'message', ...chat(1, 'in flight', 'me') });
    });
    expect(result.current.items[0]).toMatchObject({ state: 'sent', seq: 1 });
    client.stop();
  });

  it('useMessageHistory pages, searches from page 1, and reloads when told of new messages', async () => {
    const page = (p: number) => ({ messages: [chat(p)], page: p, limit: 1, total: 3, hasMore: p < 3 });
    const { fetchImpl, urls } = routeFetch({
      '/history?': (url: string) => page(Number(/page=(\d+)/.exec(url)![1])),
      '/history/search': { messages: [], page: 1, limit: 1, total: 0, hasMore: false },
      '/history/stats': { count: 3, firstAt: null, lastAt: null, durationMs: 0, senders: 1, bySender: [] },
    });
    const api = new MarqueeApi('', fetchImpl);
    const { result, rerender } = renderHook(
      ({ key }) => useMessageHistory('K7QX2M', { pageSize: 1, changeKey: key }, api),
      {
        initialProps: { key: 1 },
      },
    );
    await flush();
    expect(result.current.result?.messages[0].seq).toBe(1);
    expect(result.current.pageCount).toBe(3);
    expect(result.current.stats?.count).toBe(3);
    act(() => result.current.setPage(2));
    await flush();
    expect(result.current.result?.page).toBe(2);
    act(() => result.current.search('  hello  '));
    await flush();
    expect(urls.at(-1)).toBe('/api/session/K7QX2M/history/search?q=hello&page=1&limit=1');
    const count = urls.length;
    rerender({ key: 2 });
    await flush();
    expect(urls.length).toBeGreaterThan(count); // the search and the stats again
  });
});
