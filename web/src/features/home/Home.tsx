import { useEffect, useId, useState, type FormEvent } from 'react';
import { parseCode } from '../../lib/session-code';
import { navigate } from '../../app/router';

/** /: start a display here, or join one with the code it shows. */
export function Home() {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const codeId = useId();
  const errorId = useId();
  useEffect(() => {
    document.title = 'Marquee';
  }, []);

  const join = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseCode(code);
    if (!parsed) {
      setError('A code is six letters and digits, as shown on the screen.');
      return;
    }
    navigate(`/c/${parsed}`);
  };

  return (
    <main className="home">
      <h1 className="title">Marquee</h1>
      <p className="lead">Live messages from phones to the big screen.</p>
      <div className="home-cards">
        <section className="card" aria-labelledby="start-title">
          <h2 id="start-title">Show messages</h2>
          <p>Open this on the TV, projector or OBS browser source. It shows a code and a QR code to join.</p>
          <a
            className="button primary"
            href="/display"
            onClick={(e) => {
              e.preventDefault();
              navigate('/display');
            }}
            data-testid="start-display"
          >
            Start a display
          </a>
        </section>
        <section className="card" aria-labelledby="join-title">
          <h2 id="join-title">Send messages</h2>
          <form onSubmit={join} noValidate>
            <label htmlFor={codeId}>Session code</label>
            <input
              id={codeId}
              value={code}
              onChange={(e) => {
                setCode(e.target.value);
                setError(null);
              }}
              autoCapitalize="characters"
              autoComplete="off"
              spellCheck={false}
              inputMode="text"
              maxLength={12}
              placeholder="K7QX2M"
              aria-invalid={error !== null}
              aria-describedby={error ? errorId : undefined}
              className="code-input"
              data-testid="join-code"
            />
            {error && (
              <p id={errorId} className="error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" className="primary">
              Join
            </button>
          </form>
        </section>
      </div>
    </main>
  );
}
