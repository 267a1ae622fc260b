import { useCallback, useEffect, useRef, useState } from 'react';
import type { MarqueeClient } from '../../lib/ws-client';
import type { Counts } from '../../lib/protocol';
import { api as defaultApi, type MarqueeApi, type PresenceUser } from '../../lib/api-client';

export interface Presence {
  counts: Counts;
  /** Everyone present, from the HTTP list, kept fresh on every presence event. */
  users: PresenceUser[];
  byRole: { controller: PresenceUser[]; display: PresenceUser[] };
  refresh: () => void;
}

/**
 * Who is in the session. Counts come from the socket (`joined.presence`, then each `presence`
 * event, which carries them); the names come from `/presence/users`, refetched shortly after
 * changes so that a crowd joining at once costs one request, not one each.
 */
export function usePresence(client: MarqueeClient | null, code: string, api: MarqueeApi = defaultApi): Presence {
  const [counts, setCounts] = useState<Counts>({ controller: 0, display: 0 });
  const [users, setUsers] = useState<PresenceUser[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const alive = useRef(true);

  const fetchUsers = useCallback(() => {
    api
      .presenceUsers(code)
      .then((r) => alive.current && setUsers(r.users))
      .catch(() => {
        // keep the last list
      });
  }, [api, code]);

  const refresh = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(fetchUsers, 250);
  }, [fetchUsers]);

  useEffect(() => {
    alive.current = true;
    if (!client) return;
    const offs = [
      client.on('joined', (j) => {
        setCounts(j.presence);
        refresh();
      }),
      client.on('presence', (p) => {
        setCounts(p.counts);
        refresh();
      }),
    ];
    // Mounted after the join (a panel opened later): start from the counts the join brought.
    void Promise.resolve().then(() => alive.current && client.joined && setCounts(client.joined.presence));
    fetchUsers();
    return () => {
      alive.current = false;
      if (timer.current) clearTimeout(timer.current);
      offs.forEach((off) => off());
    };
  }, [client, refresh, fetchUsers]);

  const sorted = [...users].sort((a, b) => a.name.localeCompare(b.name));
  return {
    counts,
    users: sorted,
    byRole: {
      controller: sorted.filter((u) => u.role === 'controller'),
      display: sorted.filter((u) => u.role === 'display'),
    },
    refresh,
  };
}
