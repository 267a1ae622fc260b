import { useEffect, useState } from 'react';
import type { ConnectionState } from '../../lib/ws-client';
import type { Counts, Segment } from '../../lib/protocol';
import type { SessionStatus } from './useSessionClient';

const STATE_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  ended: 'Ended',
  not_found: 'Not found',
  kicked: 'Removed',
  locked_out: 'Locked out',
  stopped: 'Offline',
};

/** The connection as a small badge; announced to screen readers when it changes. */
export function ConnectionBadge({ state }: { state: ConnectionState }) {
  return (
    <span
      className={`badge badge-${state}`}
      role="status"
      aria-live="polite"
      data-testid="connection-state"
      data-state={state}
    >
      <span className="dot" aria-hidden="true" />
      {STATE_TEXT[state]}
    </span>
  );
}

/** While the owner keeps the session locked, says so (to the room on the display, too). */
export function LockBadge({ locked }: { locked: boolean }) {
  return (
    <span role="status" aria-live="polite" className="lock-state">
      {locked && (
        <span className="badge badge-locked" data-testid="lock-badge">
          <span className="dot" aria-hidden="true" />
          Locked: no new controllers
        </span>
      )}
    </span>
  );
}

/** Counts of controllers and displays, with the stable test hooks. */
export function PresenceCounts({ counts }: { counts: Counts }) {
  return (
    <span className="counts">
      <span>
        <span data-testid="presence-controller" className="count">
          {counts.controller}
        </span>{' '}
        {counts.controller === 1 ? 'controller' : 'controllers'}
      </span>
      <span>
        <span data-testid="presence-display" className="count">
          {counts.display}
        </span>{' '}
        {counts.display === 1 ? 'display' : 'displays'}
      </span>
    </span>
  );
}

/** Ticks once a second until `until`; the remaining time as m:ss. */
export function useCountdown(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const t = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(t);
    };
  }, [until]);
  return until === null ? 0 : Math.max(0, until - now);
}

export function formatDuration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The inactivity warning: the session ends at the countdown's end unless someone sends. */
export function InactivityWarning({ warning }: { warning: SessionStatus['warning'] }) {
  // endsInMs is relative to when the frame arrived: immune to a wrong clock on this device.
  const until = warning ? warning.receivedAt + warning.endsInMs : null;
  const left = useCountdown(until);
  if (!warning) return null;
  return (
    <div className="warning" role="alert" data-testid="inactivity-warning">
      No messages for a while: this session ends in <strong>{formatDuration(left)}</strong> unless someone sends one.
    </div>
  );
}

const END_TEXT: Record<string, string> = {
  expired: 'It reached its time limit.',
  inactive: 'Nobody sent a message for too long.',
  closed: 'Its owner closed it.',
};

/** What the whole screen says for each way of being out of the session. */
function overText(state: ConnectionState, code: string, reason?: string): [string, string] {
  switch (state) {
    case 'not_found':
      return ['No such session', `There is no session with the code ${code}. Check the code on the screen.`];
    case 'kicked':
      return ['You were removed from this session', 'The host removed this device. It cannot rejoin for now.'];
    case 'locked_out':
      return [
        'This session is locked',
        'This session is locked: the host is not admitting new controllers. Ask the host to unlock it, then try again.',
      ];
    default:
      return ['This session has ended', (reason && END_TEXT[reason]) ?? 'Thanks for taking part.'];
  }
}

/** The whole screen once the session is over, was never there, or will not let this device in. */
export function SessionOver({
  code,
  state,
  reason,
  display = false,
  onRetry,
}: {
  code: string;
  state: ConnectionState;
  reason?: string;
  display?: boolean;
  /** Offered as "Try again" (a join the lock refused). */
  onRetry?: () => void;
}) {
  const [title, text] = overText(state, code, reason);
  return (
    <div className="over" role="alert" data-testid="session-over" data-state={state}>
      <h1>{title}</h1>
      <p>{text}</p>
      <p className="over-actions">
        {onRetry && (
          <button type="button" className="primary" onClick={onRetry} data-testid="retry-join">
            Try again
          </button>
        )}
        {display && (
          <a className="button primary" href="/display">
            Start a new session
          </a>
        )}
        <a className="button" href="/">
          Back to start
        </a>
      </p>
    </div>
  );
}

/** Text with searched words marked; segments are plain text, never markup. */
export function Highlighted({ text, segments }: { text: string; segments?: Segment[] }) {
  if (!segments || segments.length === 0) return <>{text}</>;
  return <>{segments.map((s, i) => (s.match ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}</>;
}

export function timeOf(ts: number | string): string {
  return new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
