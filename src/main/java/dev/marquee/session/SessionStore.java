package dev.marquee.session;

import dev.marquee.config.RedisUrl;
import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The engine's view of live sessions: existence, liveness, seq numbers and the activity clock.
 * PostgreSQL keeps the record; this port is the hot path. Ended sessions leave the store.
 *
 * <p>Failure policy: every method fails its future when the backend is unreachable; callers treat
 * that as {@code unavailable} and never guess.
 */
public interface SessionStore {

  /** The in-process store for a single instance; state is rebuilt from PostgreSQL at start-up. */
  static SessionStore memory() {
    return new MemorySessionStore();
  }

  /**
   * Sessions in Redis, shared by every instance on it (docs/redis.md). {@code clock} is the
   * engine's: hash expiries are counted from it, so they agree with the times stored.
   */
  static SessionStore redis(RedisStore store, Clock clock) {
    return new RedisSessionStore(store, clock, store.url().mode() != RedisUrl.Mode.CLUSTER);
  }

  /** Inserts or replaces a live session (creation, and rebuilding from the record). */
  Future<Void> put(SessionState session);

  /** The live session with this code, or empty if none (never created, or ended). */
  Future<Optional<SessionState>> find(String code);

  /**
   * Assigns the next seq and stamps activity, atomically. Fails with {@link SessionGoneException}
   * when the session is not live. Seqs are 1, 2, 3, ... per session, never reused while the epoch
   * stays the same.
   */
  Future<SessionState> advance(String code, Instant at);

  /**
   * Ends the session once: the first caller gets the ended state and must announce it; later
   * callers (another sweep, a concurrent DELETE) get empty. The session leaves the store.
   */
  Future<Optional<SessionState>> end(String code, EndReason reason, Instant at);

  /**
   * Records that the inactivity warning for the quiet period starting at {@code lastActivityAt} was
   * sent. True for exactly one caller per period; false if already recorded or activity moved.
   */
  Future<Boolean> markWarned(String code, Instant lastActivityAt);

  /** Every live session, for sweeps. */
  Future<List<SessionState>> live();

  /** Live sessions right now; cheap, may be approximate on distributed backends. */
  long liveCount();
}
