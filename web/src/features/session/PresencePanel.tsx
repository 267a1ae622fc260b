import type { Presence } from './usePresence';
import type { PresenceUser } from '../../lib/api-client';

/** Who is online, by role, with idle members marked. Works in any view that has a Presence. */
export function PresencePanel({ presence, me }: { presence: Presence; me?: string }) {
  return (
    <section className="panel" aria-labelledby="presence-title">
      <h2 id="presence-title">Who is here</h2>
      <Group title="Controllers" users={presence.byRole.controller} count={presence.counts.controller} me={me} />
      <Group title="Displays" users={presence.byRole.display} count={presence.counts.display} me={me} />
    </section>
  );
}

function Group({ title, users, count, me }: { title: string; users: PresenceUser[]; count: number; me?: string }) {
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
            <li key={u.clientId} className={u.idle ? 'idle' : undefined}>
              {u.name}
              {u.clientId === me && <span className="muted"> (you)</span>}
              {u.idle && <span className="muted"> · idle</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
