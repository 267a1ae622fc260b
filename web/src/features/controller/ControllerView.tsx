import { useEffect, useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useSessionClient } from '../session/useSessionClient';
import { useLiveMessages } from '../session/useLiveMessages';
import { usePresence } from '../session/usePresence';
import { useOutbox, type OutboxItem } from '../session/useOutbox';
import {
  ConnectionBadge,
  InactivityWarning,
  LockBadge,
  PresenceCounts,
  SessionOver,
  useCountdown,
} from '../session/components';
import { PresencePanel } from '../session/PresencePanel';
import { useOwner } from '../session/OwnerControls';
import { SessionTitle } from '../session/SessionTitle';
import { isOut } from '../../lib/ws-client';
import { HistoryPanel } from '../session/HistoryPanel';
import { codePoints, MAX_TEXT } from '../../lib/protocol';
import { clientId, saveName, savedName } from '../../lib/identity';
import { ThemeSwitch } from '../../app/theme';

/** /c/{code}: a phone (or laptop) sending to the session's displays. Asks for a name first. */
export function ControllerView({ code }: { code: string }) {
  const [name, setName] = useState<string | null>(() => savedName() || null);
  useEffect(() => {
    document.title = `${code} · Marquee`;
  }, [code]);
  if (name === null)
    return (
      <NameForm
        code={code}
        onDone={(n) => {
          saveName(n);
          setName(n);
        }}
      />
    );
  return <Controller code={code} name={name} onRename={() => setName(null)} />;
}

function NameForm({ code, onDone }: { code: string; onDone: (name: string) => void }) {
  const [draft, setDraft] = useState(savedName());
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = draft.trim().slice(0, 64);
    if (n) onDone(n);
  };
  return (
    <main className="center narrow">
      <form className="card" onSubmit={submit}>
        <h1>
          Join <span className="code-inline">{code}</span>
        </h1>
        <label htmlFor={id}>Your name</label>
        <input
          id={id}
          autoFocus
          required
          maxLength={64}
          autoComplete="nickname"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          data-testid="name-input"
        />
        <p className="muted">Shown next to your messages on the screen.</p>
        <button type="submit" className="primary" data-testid="join-button">
          Join
        </button>
      </form>
    </main>
  );
}

function Controller({ code, name, onRename }: { code: string; name: string; onRename: () => void }) {
  const [client, status] = useSessionClient(code, 'controller', name);
  const messages = useLiveMessages(client, code, 20);
  const presence = usePresence(client, code);
  const owner = useOwner(code, status.locked);
  const [text, setText] = useState('');
  // A refused message comes back into the box, ready to send again, unless something new is there.
  const outbox = useOutbox(client, { onRefused: (refusedText) => setText((t) => (t === '' ? refusedText : t)) });
  const textId = useId();
  const counterId = useId();
  const waitMs = useCountdown(outbox.blockedUntil);
  const blocked = outbox.blockedUntil !== null && waitMs > 0;
  const length = codePoints(text);
  const tooLong = length > MAX_TEXT;
  const live = status.state === 'open';
  const canSend = live && !blocked && text.trim().length > 0 && !tooLong;

  if (isOut(status.state)) {
    return (
      <SessionOver
        code={code}
        state={status.state}
        reason={status.ended?.reason}
        onRetry={status.state === 'locked_out' ? () => client?.retry() : undefined}
      />
    );
  }

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!canSend) return;
    if (outbox.send(text)) setText('');
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };
  const latestSeq = messages[messages.length - 1]?.seq;

  return (
    <div className="controller">
      <header className="bar">
        <span className="brand">Marquee</span>
        <span className="code-inline" data-testid="session-code">
          {code}
        </span>
        <SessionTitle code={code} />
        <LockBadge locked={status.locked} />
        <ConnectionBadge state={status.state} />
        <PresenceCounts counts={presence.counts} />
        <ThemeSwitch />
      </header>
      <InactivityWarning warning={status.warning} />
      <main className="controller-main">
        <section className="panel send" aria-labelledby="send-title">
          <h2 id="send-title">
            Send to the screen{' '}
            <span className="muted small">
              as {name}{' '}
              <button type="button" className="link" onClick={onRename}>
                change
              </button>
            </span>
          </h2>
          <form onSubmit={submit}>
            <label htmlFor={textId} className="sr-only">
              Message
            </label>
            <textarea
              id={textId}
              rows={3}
              value={text}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={onKey}
              placeholder="Type a message"
              aria-describedby={counterId}
              aria-invalid={tooLong}
              data-testid="send-text"
            />
            <div className="send-row">
              <span id={counterId} className={tooLong ? 'counter over' : 'counter'} data-testid="char-counter">
                {length} / {MAX_TEXT}
              </span>
              <button type="submit" className="primary" disabled={!canSend} data-testid="send-button">
                Send
              </button>
            </div>
            <p className="hint" role="status" aria-live="polite" data-testid="send-hint">
              {blocked
                ? `You are sending too fast. You can send again in ${Math.ceil(waitMs / 1000)} s.`
                : !live
                  ? 'Not connected: reconnecting…'
                  : tooLong
                    ? `That is ${length - MAX_TEXT} characters too long.`
                    : ''}
            </p>
          </form>
          {outbox.items.length > 0 && (
            <ol className="outbox" aria-label="Your messages" data-testid="outbox">
              {[...outbox.items].reverse().map((item) => (
                <OutboxRow key={item.ref} item={item} />
              ))}
            </ol>
          )}
        </section>
        <PresencePanel presence={presence} me={status.joined?.clientId ?? clientId()} owner={owner} />
        <HistoryPanel code={code} changeKey={latestSeq} />
      </main>
    </div>
  );
}

const STATE_LABEL: Record<OutboxItem['state'], string> = {
  sending: 'Sending…',
  sent: 'Sent',
  refused: 'Not sent',
  unconfirmed: 'Not confirmed (connection lost)',
};

function OutboxRow({ item }: { item: OutboxItem }) {
  return (
    <li className={`out out-${item.state}`} data-state={item.state}>
      <span className="text">{item.text}</span>
      <span className="state">
        {item.state === 'sent' ? `✓ Sent · #${item.seq}` : STATE_LABEL[item.state]}
        {item.reason && `: ${item.reason}`}
      </span>
    </li>
  );
}
