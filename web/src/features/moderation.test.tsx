import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from '../test/fake-socket';
import { answer, joinedFrame, routeFetch } from '../test/fixtures';
import { ControllerView } from './controller/ControllerView';
import { DisplayView } from './display/DisplayView';

// The views as the server's lock and kick reach them: a fake WebSocket in place of the browser's
// (the views make their own clients) and a fetch that answers the HTTP API.

const CODE = 'K7QX2M';
const MARKUP = '<img src=x onerror="window.__pwned=1"><b>Alice</b>';
const TITLE = '<script>window.__pwned=1</script><b>Quiz</b>';
const users = [
  { clientId: 'a', name: MARKUP, role: 'controller', joinedAt: '', lastActiveAt: '', idle: false, via: 'ws' },
  { clientId: 'me', name: 'Me', role: 'controller', joinedAt: '', lastActiveAt: '', idle: false, via: 'ws' },
  { clientId: 'tv', name: 'Display', role: 'display', joinedAt: '', lastActiveAt: '', idle: false, via: 'ws' },
];

let sockets: FakeSocket[];
let posts: { url: string; body: unknown; auth: string | undefined }[];
const last = () => sockets[sockets.length - 1];
const flush = () =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(400);
  });

beforeEach(() => {
  vi.useFakeTimers();
  sockets = [];
  posts = [];
  localStorage.clear();
  sessionStorage.clear();
  localStorage.setItem('marquee.name', 'Me');
  sessionStorage.setItem('marquee.clientId', 'me');
  vi.stubGlobal(
    'WebSocket',
    class extends FakeSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
      }
    },
  );
  const { fetchImpl } = routeFetch({
    '/presence/users': { users },
    '/history/latest': { messages: [] },
    '/history?': { messages: [], page: 1, limit: 10, total: 0, hasMore: false },
    '/history/stats': { count: 0, firstAt: null, lastAt: null, durationMs: 0, senders: 0, bySender: [] },
  });
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    if (url === `/api/session/${CODE}`) return answer(200, { code: CODE, title: TITLE });
    if (init.method !== 'POST') return fetchImpl(url, init);
    const auth = (init.headers as Record<string, string>).Authorization;
    posts.push({ url, body: JSON.parse(init.body as string), auth });
    if (url.endsWith('/lock')) return answer(200, { code: CODE, locked: true });
    return answer(403, { error: { code: 'forbidden', message: 'wrong owner token' } });
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('a controller and the owner lock', () => {
  it('a join the lock refuses says so, tries nothing more, and joins when asked to try again', async () => {
    render(<ControllerView code={CODE} />);
    act(() => {
      last().open();
      last().frame({ type: 'error', code: 'session_locked', message: 'locked' });
    });
    const over = screen.getByTestId('session-over');
    expect(over.textContent).toContain('This session is locked: the host is not admitting new controllers');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(60_000);
    });
    expect(sockets).toHaveLength(1);
    fireEvent.click(screen.getByTestId('retry-join'));
    expect(sockets).toHaveLength(2);
    act(() => {
      last().open();
      last().frame(joinedFrame({ locked: true }));
    });
    expect(screen.getByTestId('send-text')).toBeTruthy();
    expect(screen.getByTestId('lock-badge').textContent).toBe('Locked: no new controllers');
  });

  it('shows the lock while it lasts', () => {
    render(<ControllerView code={CODE} />);
    act(() => {
      last().open();
      last().frame(joinedFrame({ locked: false }));
    });
    expect(screen.queryByTestId('lock-badge')).toBeNull();
    act(() => last().frame({ type: 'lock', locked: true }));
    expect(screen.getByTestId('lock-badge')).toBeTruthy();
    act(() => last().frame({ type: 'lock', locked: false }));
    expect(screen.queryByTestId('lock-badge')).toBeNull();
  });

  it('a kicked controller is told it was removed and never comes back by itself', async () => {
    render(<ControllerView code={CODE} />);
    act(() => {
      last().open();
      last().frame(joinedFrame());
      last().frame({ type: 'error', code: 'kicked', message: 'removed' });
      last().drop(4502);
    });
    expect(screen.getByTestId('session-over').textContent).toContain('You were removed from this session');
    expect(screen.queryByTestId('retry-join')).toBeNull();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(60_000);
    });
    expect(sockets).toHaveLength(1);
  });

  it('without the owner token there are no owner controls', async () => {
    render(<ControllerView code={CODE} />);
    act(() => {
      last().open();
      last().frame(joinedFrame());
    });
    await flush();
    expect(screen.getAllByText(MARKUP)).toHaveLength(1);
    expect(screen.queryByTestId('lock-toggle')).toBeNull();
    expect(screen.queryByTestId('kick-button')).toBeNull();
  });
});

describe('the owner on the display', () => {
  beforeEach(() => localStorage.setItem(`marquee.owner.${CODE}`, 'owner-secret'));
  const openHostControls = () => {
    render(<DisplayView code={CODE} />);
    act(() => {
      last().open();
      last().frame(joinedFrame({ role: 'display', clientId: 'tv' }));
    });
    fireEvent.click(screen.getByTestId('host-toggle'));
  };

  it('locks with the owner token, and sees the lock once the server confirms it', async () => {
    openHostControls();
    fireEvent.click(screen.getByTestId('lock-toggle'));
    await flush();
    expect(posts).toEqual([{ url: `/api/session/${CODE}/lock`, body: { locked: true }, auth: 'Bearer owner-secret' }]);
    expect(screen.queryByTestId('owner-error')).toBeNull();
    expect(screen.queryByTestId('lock-badge')).toBeNull(); // not until the server says so
    act(() => last().frame({ type: 'lock', locked: true }));
    expect(screen.getByTestId('lock-badge')).toBeTruthy();
    expect(screen.getByTestId('lock-toggle').textContent).toBe('Unlock session');
  });

  it('offers Remove next to each controller, and shows a refused kick', async () => {
    openHostControls();
    await flush();
    const buttons = screen.getAllByTestId('kick-button');
    expect(buttons.map((b) => b.getAttribute('aria-label'))).toEqual([`Remove ${MARKUP}`, 'Remove Me']);
    fireEvent.click(buttons[0]);
    await flush();
    expect(posts).toEqual([{ url: `/api/session/${CODE}/kick`, body: { clientId: 'a' }, auth: 'Bearer owner-secret' }]);
    expect(screen.getByTestId('owner-error').textContent).toBe("The server did not accept this device's owner key.");
    // Names and the title are text, never markup.
    const panel = screen.getByTestId('presence-panel');
    expect(panel.textContent).toContain(MARKUP);
    expect(panel.querySelectorAll('b, img, script')).toHaveLength(0);
    expect(screen.getByTestId('session-title').textContent).toBe(TITLE);
    expect(document.querySelectorAll('#root b, body b, body img, body script')).toHaveLength(0);
  });
});
