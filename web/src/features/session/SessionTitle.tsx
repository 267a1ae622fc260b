import { useEffect, useState } from 'react';
import { api as defaultApi, type MarqueeApi } from '../../lib/api-client';

/** The title the session was created with (`/display?title=`), as text; nothing when it has none. */
export function SessionTitle({ code, api = defaultApi }: { code: string; api?: MarqueeApi }) {
  const [title, setTitle] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    api
      .session(code)
      .then((s) => current && setTitle(s.title ?? null))
      .catch(() => {
        // A title is a nicety: without one the view is complete.
      });
    return () => {
      current = false;
    };
  }, [api, code]);
  if (!title) return null;
  return (
    <span className="session-title" data-testid="session-title">
      {title}
    </span>
  );
}
