import { useCallback, useState } from 'react';
import { api as defaultApi, ApiError, type MarqueeApi, type PresenceUser } from '../../lib/api-client';
import { ownerToken } from '../../lib/identity';

/** What the session's owner can do from this device (the one that started it keeps the token). */
export interface Owner {
  /** The lock as the session's members last heard it. */
  locked: boolean;
  /** A request is under way; the controls wait for it. */
  busy: boolean;
  /** Why the last request failed, in words for the owner. */
  error: string | null;
  /** What the last request did, when the view does not show it otherwise. */
  notice: string | null;
  setLocked: (locked: boolean) => void;
  kick: (user: PresenceUser) => void;
}

const WHY: Record<string, string> = {
  unauthorized: 'This device holds no owner key for the session.',
  forbidden: "The server did not accept this device's owner key.",
  session_ended: 'The session has ended.',
  session_not_found: 'The session no longer exists.',
  network: 'The server cannot be reached. Try again.',
};

function describe(e: unknown): string {
  if (e instanceof ApiError) return WHY[e.code] ?? e.message;
  return 'That did not work. Try again.';
}

/**
 * The owner's lock and kick, when this device holds the session's owner token (null otherwise).
 * `locked` is the session's state from the socket: the `lock` frame confirms a change to everyone.
 */
export function useOwner(code: string, locked: boolean, api: MarqueeApi = defaultApi): Owner | null {
  const [token] = useState(() => ownerToken(code));
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ error: string | null; notice: string | null }>({
    error: null,
    notice: null,
  });

  const run = useCallback(
    (request: (token: string) => Promise<unknown>, done: string | null) => {
      if (!token) return;
      setBusy(true);
      request(token)
        .then(
          () => setOutcome({ error: null, notice: done }),
          (e: unknown) => setOutcome({ error: describe(e), notice: null }),
        )
        .finally(() => setBusy(false));
    },
    [token],
  );
  const setLocked = useCallback((next: boolean) => run((t) => api.lockSession(code, next, t), null), [run, api, code]);
  const kick = useCallback(
    (user: PresenceUser) =>
      run(
        (t) => api.kick(code, user.clientId, t),
        locked
          ? `${user.name} was removed.`
          : `${user.name} was removed. Lock the session, or they can come back as someone new.`,
      ),
    [run, api, code, locked],
  );

  if (!token) return null;
  return { locked, busy, ...outcome, setLocked, kick };
}

/** Lock or unlock, and the outcome of the owner's last request. */
export function HostControls({ owner }: { owner: Owner }) {
  return (
    <div className="host" data-testid="host-controls">
      <p className="host-row">
        <button
          type="button"
          onClick={() => owner.setLocked(!owner.locked)}
          disabled={owner.busy}
          data-testid="lock-toggle"
          data-locked={owner.locked}
        >
          {owner.locked ? 'Unlock session' : 'Lock session'}
        </button>
        <span className="muted small">
          {owner.locked ? 'No new controllers can join; those already in stay.' : 'Anyone with the code can join.'}
        </span>
      </p>
      {owner.error && (
        <p className="error" role="alert" data-testid="owner-error">
          {owner.error}
        </p>
      )}
      {owner.notice && (
        <p className="muted" role="status" data-testid="owner-notice">
          {owner.notice}
        </p>
      )}
    </div>
  );
}
