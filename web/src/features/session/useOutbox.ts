import { useCallback, useEffect, useRef, useState } from 'react';
import type { MarqueeClient } from '../../lib/ws-client';

export type SendState = 'sending' | 'sent' | 'refused' | 'unconfirmed';

export interface OutboxItem {
  ref: string;
  text: string;
  state: SendState;
  seq?: number;
  /** Why it was refused, in words for the sender. */
  reason?: string;
  at: number;
}

export interface Outbox {
  items: OutboxItem[];
  /** Sends now; false when not connected (nothing was sent). */
  send: (text: string) => boolean;
  /** While rate limited: when sending is allowed again (epoch ms). */
  blockedUntil: number | null;
}

const REASONS: Record<string, string> = {
  rate_limited: 'Too many messages',
  too_large: 'Too long',
  bad_request: 'Not accepted',
  forbidden: 'Only controllers can send',
  session_ended: 'The session has ended',
  unavailable: 'The server is busy; try again',
  not_joined: 'Not connected',
};

/**
 * A controller's sent messages and what became of each: `ack` (sent, with its seq) or `error`
 * (refused, with the reason and, when rate limited, the wait). A message in flight when the
 * connection drops is `unconfirmed` until it shows up from the server after the reconnect.
 */
export function useOutbox(
  client: MarqueeClient | null,
  { onRefused }: { onRefused?: (text: string, reason: string) => void } = {},
): Outbox {
  const [items, setItems] = useState<OutboxItem[]>([]);
  const [blockedUntil, setBlockedUntil] = useState<number | null>(null);
  const refused = useRef(onRefused);
  useEffect(() => {
    refused.current = onRefused;
  });
  const mine = useRef<string | null>(null);
  const sent = useRef(new Map<string, string>());

  useEffect(() => {
    if (!client) return;
    const update = (match: (i: OutboxItem) => boolean, change: Partial<OutboxItem>) =>
      setItems((list) => {
        const i = list.findIndex(match);
        if (i < 0) return list;
        const next = list.slice();
        next[i] = { ...next[i], ...change };
        return next;
      });
    const offs = [
      client.on('joined', (j) => {
        mine.current = j.clientId;
      }),
      client.on('ack', (a) => update((i) => i.ref === a.ref, { state: 'sent', seq: a.seq })),
      client.on('error', (e) => {
        if (!e.ref) return;
        const reason = REASONS[e.code] ?? e.message;
        update((i) => i.ref === e.ref, { state: 'refused', reason });
        const text = sent.current.get(e.ref);
        if (text !== undefined) refused.current?.(text, reason);
        if (e.code === 'rate_limited' && e.retryAfterMs) setBlockedUntil(Date.now() + e.retryAfterMs);
      }),
      client.on('state', (s) => {
        if (s !== 'open') {
          setItems((list) =>
            list.some((i) => i.state === 'sending')
              ? list.map((i) => (i.state === 'sending' ? { ...i, state: 'unconfirmed' } : i))
              : list,
          );
        }
      }),
      // Our own message arriving (live or replayed) proves an unconfirmed one was stored.
      client.on('message', (m) => {
        if (m.from.clientId !== mine.current) return;
        update((i) => i.state === 'unconfirmed' && i.text === m.text, { state: 'sent', seq: m.seq });
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [client]);

  useEffect(() => {
    if (blockedUntil === null) return;
    const t = setTimeout(() => setBlockedUntil(null), Math.max(0, blockedUntil - Date.now()));
    return () => clearTimeout(t);
  }, [blockedUntil]);

  const send = useCallback(
    (text: string) => {
      const ref = client?.send(text);
      if (!ref) return false;
      sent.current.set(ref, text);
      if (sent.current.size > 100) sent.current.delete(sent.current.keys().next().value!);
      setItems((list) => [...list.slice(-49), { ref, text, state: 'sending', at: Date.now() }]);
      return true;
    },
    [client],
  );

  return { items, send, blockedUntil };
}
