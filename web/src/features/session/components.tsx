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

/** The whole screen once the session is over (or was never there). */
export function SessionOver({
  code,
  state,
  reason,
  display = false,
}: {
  code: string;
  state: ConnectionState;
  reason?: string;
  display?: boolean;
}) {
  const notFound = state === 'not_found';
  return (
    <div className="over" role="alert" data-testid="session-over">
      <h1>{notFound ? 'No such session' : state === 'kicked' ? 'You were removed' : 'This session has ended'}</h1>
      <p>
        {notFound
          ? `There is no session with the code ${code}. Check the code on the screen.`
          : state === 'kicked'
            ? 'The session owner removed this device.'
            : ((reason && END_TEXT[reason]) ?? 'Thanks for taking part.')}
      </p>
      <p className="over-actions">
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
