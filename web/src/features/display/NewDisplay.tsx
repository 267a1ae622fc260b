import { useEffect, useState } from 'react';
import { api, ApiError, type CreatedSession } from '../../lib/api-client';
import { saveOwnerToken } from '../../lib/identity';
import { navigate } from '../../app/router';

// One creation per page load, even when React runs the effect twice (StrictMode) or re-mounts.
let creating: Promise<CreatedSession> | null = null;

/** /display: makes a session, keeps its owner token on this device, and moves to /display/{code}. */
export function NewDisplay() {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const title = new URLSearchParams(location.search).get('title') ?? undefined;
    creating ??= api.createSession(title?.slice(0, 100));
    creating
      .then((s) => {
        saveOwnerToken(s.code, s.ownerToken);
        navigate(`/display/${s.code}`, true);
      })
      .catch((e: unknown) => {
        creating = null;
        setError(e instanceof ApiError ? e.message : 'The session could not be created.');
      });
  }, []);
  return (
    <main className="center">
      {error ? (
        <div role="alert">
          <h1>Could not start a display</h1>
          <p>{error}</p>
          <button type="button" onClick={() => location.reload()}>
            Try again
          </button>
        </div>
      ) : (
        <p role="status">Starting a new session…</p>
      )}
    </main>
  );
}
