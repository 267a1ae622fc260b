import { useId, useState, type FormEvent } from 'react';
import { useMessageHistory } from './useMessageHistory';
import { formatDuration, Highlighted, timeOf } from './components';

/**
 * The session's history: newest first in pages, a full-text search whose matches are marked, and
 * stats. `changeKey` (the newest seq) refreshes it as messages arrive.
 */
export function HistoryPanel({
  code,
  changeKey,
  pageSize = 10,
}: {
  code: string;
  changeKey?: unknown;
  pageSize?: number;
}) {
  const h = useMessageHistory(code, { pageSize, changeKey });
  const [draft, setDraft] = useState('');
  const searchId = useId();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    h.search(draft);
  };

  return (
    <section className="panel history" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <form className="search" role="search" onSubmit={submit}>
        <label htmlFor={searchId} className="sr-only">
          Search messages
        </label>
        <input
          id={searchId}
          type="search"
          placeholder="Search messages"
          value={draft}
          maxLength={200}
          onChange={(e) => {
            setDraft(e.target.value);
            if (e.target.value === '' && h.query) h.search('');
          }}
          data-testid="history-search"
        />
        <button type="submit">Search</button>
      </form>
      {h.stats && (
        <p className="stats muted" data-testid="history-stats">
          {h.stats.count} message{h.stats.count === 1 ? '' : 's'} from {h.stats.senders} sender
          {h.stats.senders === 1 ? '' : 's'}
          {h.stats.durationMs > 0 && <> over {formatDuration(h.stats.durationMs)}</>}
          {h.stats.bySender.length > 0 && (
            <>
              {' '}
              · most active:{' '}
              {h.stats.bySender
                .slice(0, 3)
                .map((s) => `${s.name} (${s.count})`)
                .join(', ')}
            </>
          )}
        </p>
      )}
      {h.error && (
        <p className="error" role="alert">
          {h.error}
        </p>
      )}
      {h.query && h.result && (
        <p className="muted" aria-live="polite">
          {h.result.total} result{h.result.total === 1 ? '' : 's'} for “{h.query}”
        </p>
      )}
      <ol className="history-list" aria-busy={h.loading} data-testid="history-list">
        {h.result?.messages.map((m) => (
          <li key={m.seq}>
            <span className="meta">
              <span className="who">{m.from.name}</span>{' '}
              <time dateTime={new Date(m.ts).toISOString()}>{timeOf(m.ts)}</time>{' '}
              <span className="muted">#{m.seq}</span>
            </span>
            <span className="text">
              <Highlighted text={m.text} segments={m.highlight} />
            </span>
          </li>
        ))}
      </ol>
      {h.result && h.result.messages.length === 0 && (
        <p className="muted">{h.query ? 'Nothing found.' : 'No messages yet.'}</p>
      )}
      <nav className="pager" aria-label="History pages">
        <button type="button" onClick={() => h.setPage(h.page - 1)} disabled={h.page <= 1}>
          Newer
        </button>
        <span className="muted">
          Page {h.page} of {h.pageCount}
        </span>
        <button type="button" onClick={() => h.setPage(h.page + 1)} disabled={!h.result?.hasMore}>
          Older
        </button>
      </nav>
    </section>
  );
}
