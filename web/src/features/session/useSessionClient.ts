import { useEffect, useState } from 'react';
import { MarqueeClient, socketUrl, type ConnectionState } from '../../lib/ws-client';
import type { EndedFrame, JoinedFrame, Role, WarningFrame } from '../../lib/protocol';
import { clientId } from '../../lib/identity';

export interface SessionStatus {
  state: ConnectionState;
  joined: JoinedFrame | null;
  /** The inactivity warning in force, cleared by the next message. */
  warning: (WarningFrame & { receivedAt: number }) | null;
  ended: EndedFrame | null;
  /** The owner keeps the session locked (from `joined.locked`, then each `lock` frame). */
  locked: boolean;
  /** Wait before the next attempt while reconnecting. */
  retryInMs?: number;
}

/**
 * One MarqueeClient for as long as the component lives (or until code, role or name change), and
 * its connection status as state. Listeners for messages, presence and acks attach to the client.
 */
export function useSessionClient(code: string, role: Role, name: string | null): [MarqueeClient | null, SessionStatus] {
  const [client, setClient] = useState<MarqueeClient | null>(null);
  const [status, setStatus] = useState<SessionStatus>({
    state: 'connecting',
    joined: null,
    warning: null,
    ended: null,
    locked: false,
  });

  useEffect(() => {
    if (name === null) return;
    const c = new MarqueeClient({
      url: socketUrl(location),
      session: code,
      role,
      name,
      clientId: clientId(),
    });
    const offs = [
      c.on('state', (state, detail) =>
        setStatus((s) => ({ ...s, state, retryInMs: detail.retryInMs, joined: state === 'open' ? s.joined : null })),
      ),
      c.on('joined', (joined) => setStatus((s) => ({ ...s, joined, state: 'open', locked: joined.locked === true }))),
      c.on('lock', (locked) => setStatus((s) => ({ ...s, locked }))),
      c.on('warning', (w) => setStatus((s) => ({ ...s, warning: { ...w, receivedAt: Date.now() } }))),
      c.on('message', () => setStatus((s) => (s.warning ? { ...s, warning: null } : s))),
      c.on('ended', (ended) => setStatus((s) => ({ ...s, ended }))),
    ];
    // Back online or back in front: do not sit out the rest of a back-off wait.
    const now = () => c.reconnectNow();
    const visible = () => document.visibilityState === 'visible' && c.reconnectNow();
    window.addEventListener('online', now);
    document.addEventListener('visibilitychange', visible);
    c.start();
    // The client is the external system here: it must live exactly as long as this effect (so
    // StrictMode's mount-unmount-mount makes and stops one), and the view needs it to listen.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setClient(c);
    return () => {
      offs.forEach((off) => off());
      window.removeEventListener('online', now);
      document.removeEventListener('visibilitychange', visible);
      c.stop();
      setClient(null);
    };
  }, [code, role, name]);

  return [client, status];
}
