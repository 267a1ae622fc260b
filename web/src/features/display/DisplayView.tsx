import { useCallback, useEffect, useState } from 'react';
import { useSessionClient } from '../session/useSessionClient';
import { useLiveMessages } from '../session/useLiveMessages';
import { usePresence } from '../session/usePresence';
import {
  ConnectionBadge,
  InactivityWarning,
  LockBadge,
  PresenceCounts,
  SessionOver,
  timeOf,
} from '../session/components';
import { PresencePanel } from '../session/PresencePanel';
import { useOwner } from '../session/OwnerControls';
import { SessionTitle } from '../session/SessionTitle';
import { isOut } from '../../lib/ws-client';
import { controllerUrl } from '../../lib/session-code';
import { AutoFitText } from './AutoFitText';
import { QrCode } from './QrCode';
import { ThemeSwitch } from '../../app/theme';

const PREVIOUS = 4;

/**
 * /display/{code}: what the room sees. The newest message as large as fits, the few before it
 * smaller, and how to join: the code, the link and its QR code. Messages are text nodes, never HTML.
 */
export function DisplayView({ code }: { code: string }) {
  const [client, status] = useSessionClient(code, 'display', 'Display');
  const messages = useLiveMessages(client, code, 20);
  const presence = usePresence(client, code);
  const owner = useOwner(code, status.locked);
  const [hostOpen, setHostOpen] = useState(false);
  const fullscreen = useFullscreen();
  const joinUrl = controllerUrl(location.origin, code);

  useEffect(() => {
    document.title = `${code} · Marquee display`;
  }, [code]);

  if (isOut(status.state)) {
    return <SessionOver code={code} state={status.state} reason={status.ended?.reason} display />;
  }

  const latest = messages[messages.length - 1];
  const previous = messages.slice(-1 - PREVIOUS, -1).reverse();
  return (
    <div className="display">
      <header className="display-bar">
        <span className="bar-start">
          <span className="brand">Marquee</span>
          <SessionTitle code={code} />
        </span>
        <LockBadge locked={status.locked} />
        <ConnectionBadge state={status.state} />
        <PresenceCounts counts={presence.counts} />
        {owner && (
          <button
            type="button"
            className="ghost"
            onClick={() => setHostOpen((o) => !o)}
            aria-expanded={hostOpen}
            aria-controls="host-drawer"
            data-testid="host-toggle"
          >
            Host controls
          </button>
        )}
        <ThemeSwitch />
        <button
          type="button"
          className="ghost"
          onClick={fullscreen.toggle}
          aria-pressed={fullscreen.on}
          title="Full screen (F)"
        >
          {fullscreen.on ? 'Exit full screen' : 'Full screen'}
        </button>
      </header>
      {owner && hostOpen && (
        <aside id="host-drawer" className="host-drawer" aria-label="Host controls">
          <PresencePanel presence={presence} me={status.joined?.clientId} owner={owner} />
        </aside>
      )}
      <InactivityWarning warning={status.warning} />
      <main className="stage" aria-live="polite" aria-atomic="false">
        {latest ? (
          <figure className="latest" key={latest.seq}>
            <AutoFitText text={latest.text} testId="display-latest" />
            <figcaption>
              {latest.from.name} · {timeOf(latest.ts)}
            </figcaption>
          </figure>
        ) : (
          <div className="waiting">
            <p>Waiting for the first message…</p>
            <p className="muted">Scan the code or open the link to send one.</p>
          </div>
        )}
        {previous.length > 0 && (
          <ol className="previous" aria-label="Earlier messages" data-testid="display-previous">
            {previous.map((m) => (
              <li key={m.seq}>
                <span className="text">{m.text}</span>
                <span className="who">{m.from.name}</span>
              </li>
            ))}
          </ol>
        )}
      </main>
      <aside className="join-card" aria-label="How to join">
        <QrCode value={joinUrl} label={`QR code: open ${joinUrl} to send messages`} />
        <div>
          <p className="muted">Join at</p>
          <p className="join-url">{joinUrl.replace(/^https?:\/\//, '')}</p>
          <p className="muted">or enter the code</p>
          <p className="code" data-testid="session-code" aria-label={`Session code ${code.split('').join(' ')}`}>
            {code}
          </p>
        </div>
      </aside>
    </div>
  );
}

function useFullscreen() {
  const [on, setOn] = useState(() => document.fullscreenElement != null);
  useEffect(() => {
    const update = () => setOn(document.fullscreenElement != null);
    document.addEventListener('fullscreenchange', update);
    return () => document.removeEventListener('fullscreenchange', update);
  }, []);
  const toggle = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else void document.documentElement.requestFullscreen?.().catch(() => undefined);
  }, []);
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (
        e.key.toLowerCase() === 'f' &&
        !e.ctrlKey &&
        !e.metaKey &&
        !e.altKey &&
        !(e.target instanceof HTMLInputElement)
      )
        toggle();
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [toggle]);
  return { on, toggle };
}
