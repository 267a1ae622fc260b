import { useEffect, useState } from 'react';
import type { MarqueeClient } from '../../lib/ws-client';
import type { ChatMessage } from '../../lib/protocol';
import { api as defaultApi, type MarqueeApi } from '../../lib/api-client';

/**
 * The session's newest messages, oldest first, each seq once: live ones from the socket, and the
 * recent history from HTTP whenever the socket could not fill a gap (first join, a gap too old to
 * replay, a new epoch, which also throws away what was shown).
 */
export function useLiveMessages(
  client: MarqueeClient | null,
  code: string,
  keep = 50,
  api: MarqueeApi = defaultApi,
): ChatMessage[] {
  const [messages, setMessages] = useState<ChatMessage[]>([]);

  useEffect(() => {
    if (!client) return;
    let alive = true;
    const merge = (incoming: ChatMessage[], reset = false) =>
      setMessages((current) => mergeBySeq(reset ? [] : current, incoming, keep));
    const offs = [
      client.on('message', (m) => merge([m])),
      client.on('resync', (reason, joined) => {
        if (reason === 'new_epoch') setMessages([]);
        api
          .latest(code, keep)
          // Only what the socket will not bring: seqs up to the join; later ones arrive live.
          .then((r) => alive && merge(r.messages.filter((m) => m.seq <= joined.lastSeq)))
          .catch(() => {
            // Live delivery goes on; the past stays missing until the next resync.
          });
      }),
    ];
    return () => {
      alive = false;
      offs.forEach((off) => off());
    };
  }, [client, code, keep, api]);

  return messages;
}

/** Sorted by seq, no seq twice, the newest `keep` kept. */
export function mergeBySeq(current: ChatMessage[], incoming: ChatMessage[], keep: number): ChatMessage[] {
  if (incoming.length === 0) return current;
  const bySeq = new Map<number, ChatMessage>();
  for (const m of current) bySeq.set(m.seq, m);
  for (const m of incoming) if (!bySeq.has(m.seq)) bySeq.set(m.seq, m);
  const all = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return all.length > keep ? all.slice(all.length - keep) : all;
}
