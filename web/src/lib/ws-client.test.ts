import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MarqueeClient, socketUrl } from './ws-client';
import type { ChatMessage, ErrorFrame, JoinedFrame } from './protocol';
import { FakeSocket } from '../test/fake-socket';

const joined = (over: Partial<JoinedFrame> = {}): JoinedFrame => ({
  type: 'joined',
  session: 'K7QX2M',
  role: 'display',
  clientId: 'c-1',
  lastSeq: 0,
  epoch: 'e1',
  expiresAt: '2030-01-01T00:00:00Z',
  presence: { controller: 0, display: 1 },
  recovered: false,
  ...over,
});

const message = (seq: number, text = `m${seq}`) => ({
  type: 'message',
  session: 'K7QX2M',
  seq,
  ts: 1_700_000_000_000 + seq,
  from: { clientId: 'a', name: 'Alice', role: 'controller' },
  text,
});

describe('MarqueeClient', () => {
  let sockets: FakeSocket[];
  let client: MarqueeClient;
  const last = () => sockets[sockets.length - 1];

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    client = new MarqueeClient({
      url: 'ws://h/ws',
      session: 'K7QX2M',
      role: 'display',
      name: 'TV',
      clientId: 'c-1',
      socket: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
      random: () => 1, // the longest wait of each back-off step
    });
  });

  afterEach(() => {
    client.stop();
    vi.useRealTimers();
  });

  it('joins with its name, role and client id, and no lastSeq the first time', () => {
    client.start();
    last().open();
    expect(last().sent[0]).toEqual({ type: 'join', session: 'K7QX2M', role: 'display', name: 'TV', clientId: 'c-1' });
  });

  it('delivers each seq once and in order, dropping repeats', () => {
    const got: number[] = [];
    client.on('message', (m: ChatMessage) => got.push(m.seq));
    client.start();
    last().open();
    last().frame(joined({ lastSeq: 3 }));
    for (const seq of [4, 5, 5, 4, 6]) last().frame(message(seq));
    expect(got).toEqual([4, 5, 6]);
    expect(client.lastSeq).toBe(6);
  });

  it('resumes with lastSeq and epoch after a lost connection, backing off between attempts', () => {
    const states: string[] = [];
    client.on('state', (s) => states.push(s));
    client.start();
    last().open();
    last().frame(joined({ lastSeq: 0 }));
    last().frame(message(1));
    last().frame(message(2));
    last().drop(1006);
    expect(client.state).toBe('reconnecting');
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(499);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    // the second attempt fails too: the wait doubles
    last().drop(1006);
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    last().open();
    expect(last().sent[0]).toMatchObject({ type: 'join', lastSeq: 2, epoch: 'e1' });
    last().frame(joined({ lastSeq: 3, recovered: true }));
    expect(states).toEqual(['open', 'reconnecting', 'reconnecting', 'open']);
  });

  it('replayed messages after a rejoin are not delivered twice', () => {
    const got: number[] = [];
    client.on('message', (m) => got.push(m.seq));
    client.start();
    last().open();
    last().frame(joined());
    last().frame(message(1));
    last().frame(message(2));
    last().drop(4000);
    vi.advanceTimersByTime(10_000);
    last().open();
    last().frame(joined({ lastSeq: 3, recovered: true }));
    last().frame(message(2)); // a server that replays one too many
    last().frame(message(3));
    last().frame(message(4));
    expect(got).toEqual([1, 2, 3, 4]);
  });

  it('asks for a history refetch when the gap could not be filled, and when the epoch changed', () => {
    const reasons: string[] = [];
    client.on('resync', (r) => reasons.push(r));
    client.start();
    last().open();
    last().frame(joined({ recovered: false, lastSeq: 7 }));
    expect(reasons).toEqual(['not_recovered']);
    expect(client.lastSeq).toBe(7);
    last().drop(1011);
    vi.advanceTimersByTime(10_000);
    last().open();
    last().frame(joined({ recovered: true, epoch: 'e2', lastSeq: 2 }));
    expect(reasons).toEqual(['not_recovered', 'new_epoch']);
    expect(client.lastSeq).toBe(2);
    expect(client.epoch).toBe('e2');
  });

  it.each([
    [4500, 'ended'],
    [4501, 'not_found'],
    [4502, 'kicked'],
    [4999, 'ended'],
  ])('does not reconnect after close %i', (code, state) => {
    client.start();
    last().open();
    last().drop(code);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(client.state).toBe(state);
  });

  it.each([1000, 1006, 1008, 1011, 1013, 4000, 4001, 4499])('reconnects after close %i', (code) => {
    client.start();
    last().open();
    last().frame(joined());
    last().drop(code);
    vi.advanceTimersByTime(5_000);
    expect(sockets).toHaveLength(2);
  });

  it('reports the end of the session and stays down', () => {
    const ended: string[] = [];
    client.on('ended', (e) => ended.push(e.reason));
    client.start();
    last().open();
    last().frame(joined());
    last().frame({ type: 'ended', reason: 'inactive' });
    last().drop(4500);
    vi.advanceTimersByTime(60_000);
    expect(ended).toEqual(['inactive']);
    expect(client.state).toBe('ended');
    expect(sockets).toHaveLength(1);
  });

  it('goes at once when the server says it is shutting down', () => {
    client.start();
    last().open();
    last().frame(joined());
    last().frame({ type: 'reconnect', reason: 'shutdown' });
    expect(sockets[0].closedWith).toBe(1000);
    vi.advanceTimersByTime(300);
    expect(sockets).toHaveLength(2);
  });

  it('sends messages with a ref and passes on acks and rate-limit errors', () => {
    const errors: ErrorFrame[] = [];
    client.on('error', (e) => errors.push(e));
    client.start();
    expect(client.send('too early')).toBeNull();
    last().open();
    last().frame(joined({ role: 'controller' }));
    const ref = client.send('Hello')!;
    expect(last().sent[1]).toEqual({ type: 'send', text: 'Hello', ref });
    last().frame({ type: 'error', code: 'rate_limited', message: 'slow down', ref, retryAfterMs: 5300 });
    expect(errors[0]).toMatchObject({ ref, retryAfterMs: 5300 });
  });

  it('a join refused for now is tried again after the wait the server asked for', () => {
    client.start();
    last().open();
    last().frame({ type: 'error', code: 'rate_limited', message: 'too many', retryAfterMs: 3000 });
    vi.advanceTimersByTime(2999);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
  });

  it('a controller join the lock refuses stops there, and asks again only when told to', () => {
    const errors: string[] = [];
    const states: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    client.on('state', (s) => states.push(s));
    client.start();
    last().open();
    last().frame({ type: 'error', code: 'session_locked', message: 'the session is locked' });
    expect(client.state).toBe('locked_out');
    expect(errors).toEqual(['session_locked']);
    expect(sockets[0].closedWith).toBe(1000);
    // No loop: not after the join timeout, not after the server's own close of the idle socket.
    sockets[0].drop(1008);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(client.state).toBe('locked_out');
    client.reconnectNow(); // coming back online is no reason to ask again either
    expect(sockets).toHaveLength(1);
    client.retry();
    expect(sockets).toHaveLength(2);
    last().open();
    expect(last().sent[0]).toMatchObject({ type: 'join', clientId: 'c-1' });
    last().frame(joined({ locked: false }));
    expect(states).toEqual(['locked_out', 'connecting', 'open']);
  });

  it('retry does nothing unless locked out', () => {
    client.start();
    last().open();
    last().frame(joined());
    client.retry();
    expect(sockets).toHaveLength(1);
    expect(client.state).toBe('open');
  });

  it.each([
    ['while joined', true],
    ['on joining (a banned client id)', false],
  ])('error kicked %s is final at once, whatever the close that follows', (_, wasJoined) => {
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    client.start();
    last().open();
    if (wasJoined) last().frame(joined());
    last().frame({ type: 'error', code: 'kicked', message: 'removed' });
    expect(client.state).toBe('kicked');
    expect(errors).toEqual(['kicked']);
    expect(sockets[0].closedWith).toBe(1000);
    sockets[0].drop(4502);
    client.retry();
    client.reconnectNow();
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(client.state).toBe('kicked');
  });

  it('passes on the owner locking and unlocking', () => {
    const changes: boolean[] = [];
    client.on('lock', (locked) => changes.push(locked));
    client.start();
    last().open();
    last().frame(joined({ locked: false }));
    last().frame({ type: 'lock', locked: true });
    last().frame({ type: 'lock', locked: false });
    expect(changes).toEqual([true, false]);
    expect(client.state).toBe('open');
  });

  it('pings, and treats a connection that stops answering as lost', () => {
    client.start();
    last().open();
    last().frame(joined());
    vi.advanceTimersByTime(25_000);
    expect(last().sent.at(-1)).toMatchObject({ type: 'ping' });
    last().frame({ type: 'pong' });
    vi.advanceTimersByTime(25_000);
    vi.advanceTimersByTime(10_000); // no pong this time
    expect(client.state).toBe('reconnecting');
  });

  it('gives up an attempt that never joins', () => {
    client.start();
    last().open();
    vi.advanceTimersByTime(10_000);
    expect(client.state).toBe('reconnecting');
  });

  it('leaves when stopped', () => {
    client.start();
    last().open();
    last().frame(joined());
    client.stop();
    expect(last().sent.at(-1)).toEqual({ type: 'leave' });
    expect(client.state).toBe('stopped');
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('builds the socket URL from the page location', () => {
    expect(socketUrl({ protocol: 'https:', host: 'm.example' })).toBe('wss://m.example/ws');
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:3001' })).toBe('ws://127.0.0.1:3001/ws');
  });
});
