import { useCallback, useEffect, useRef, useState } from 'react';
import {
  api as defaultApi,
  ApiError,
  type HistoryPage,
  type HistoryStats,
  type MarqueeApi,
} from '../../lib/api-client';

export interface MessageHistory {
  /** The search in force ('' = plain pages, newest first). */
  query: string;
  search: (q: string) => void;
  page: number;
  setPage: (p: number) => void;
  pageCount: number;
  result: HistoryPage | null;
  stats: HistoryStats | null;
  loading: boolean;
  error: string | null;
  refresh: () => void;
}

/**
 * A session's history over HTTP: pages newest first, full-text search (results carry highlight
 * segments), and stats. `changeKey` is anything that changes when new messages exist (the newest
 * seq): the first page and the stats are reloaded then, a later page is left where the reader is.
 */
export function useMessageHistory(
  code: string,
  { pageSize = 10, changeKey }: { pageSize?: number; changeKey?: unknown } = {},
  api: MarqueeApi = defaultApi,
): MessageHistory {
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const [answer, setAnswer] = useState<{ key: string; error: string | null } | null>(null);
  const [result, setResult] = useState<HistoryPage | null>(null);
  const [stats, setStats] = useState<HistoryStats | null>(null);
  const [tick, setTick] = useState(0);
  const key = JSON.stringify([code, query, page, pageSize, tick]);
  // Loading until the answer to exactly this request is in.
  const loading = answer?.key !== key;

  useEffect(() => {
    let current = true; // a newer request answers instead
    const load = query ? api.search(code, query, page, pageSize) : api.historyPage(code, page, pageSize);
    load
      .then((r) => {
        if (!current) return;
        setResult(r);
        setAnswer({ key, error: null });
      })
      .catch((e: unknown) => {
        if (!current) return;
        setAnswer({ key, error: e instanceof ApiError ? e.message : 'History could not be loaded.' });
      });
    return () => {
      current = false;
    };
  }, [api, code, query, page, pageSize, key]);
  const error = answer?.key === key ? answer.error : null;

  useEffect(() => {
    let alive = true;
    api
      .stats(code)
      .then((s) => alive && setStats(s))
      .catch(() => {
        // stats are a nicety; the list says what failed
      });
    return () => {
      alive = false;
    };
  }, [api, code, tick]);

  // New messages: the newest page and the stats move; a reader on page 3 is not pulled away.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(() => setTick((n) => n + 1), 300);
    return () => clearTimeout(t);
  }, [changeKey]);

  const search = useCallback((q: string) => {
    setQuery(q.trim());
    setPage(1);
  }, []);

  const pageCount = result ? Math.max(1, Math.ceil(result.total / pageSize)) : 1;
  return {
    query,
    search,
    page,
    setPage,
    pageCount,
    result,
    stats,
    loading,
    error,
    refresh: () => setTick((n) => n + 1),
  };
}
