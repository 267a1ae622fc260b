import type { Presence } from './usePresence';
import type { PresenceUser } from '../../lib/api-client';
import { HostControls, type Owner } from './OwnerControls';

/**
 * Who is online, by role, with idle members marked. Works in any view that has a Presence; with an
 * `owner` (this device holds the owner token) it adds the lock and a Remove button per controller.
 */
export function PresencePanel({ presence, me, owner }: { presence: Presence; me?: string; owner?: Owner | null }) {
  return (
    <section className="panel" aria-labelledby="presence-title" data-testid="presence-panel">
      <h2 id="presence-title">Who is here</h2>
      {owner && <HostControls owner={owner} />}
      <Group
        title="Controllers"
        users={presence.byRole.controller}
        count={presence.counts.controller}
        me={me}
        onKick={owner?.kick}
        busy={owner?.busy}
      />
      <Group title="Displays" users={presence.byRole.display} count={presence.counts.display} me={me} />
    </section>
  );
}

function Group({
  title,
  users,
  count,
  me,
  onKick,
  busy,
}: {
  title: string;
  users: PresenceUser[];
  count: number;
  me?: string;
  onKick?: (u: PresenceUser) => void;
  busy?: boolean;
}) {
  return (
    <div className="presence-group">
      <h3>
        {title} <span className="muted">({count})</span>
      </h3>
      {users.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ul className="people">
          {users.map((u) => (
            <li key={u.clientId} className={u.idle ? 'idle' : undefined} data-client-id={u.clientId}>
              <span className="name">{u.name}</span>
              {u.clientId === me && <span className="muted"> (you)</span>}
              {u.idle && <span className="muted"> · idle</span>}
              {onKick && u.clientId !== me && (
                <button
                  type="button"
                  className="link kick"
                  onClick={() => onKick(u)}
                  disabled={busy}
                  aria-label={`Remove ${u.name}`}
                  data-testid="kick-button"
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
