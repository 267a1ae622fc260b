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
 * PostgreSQL keeps the record; this port is the hot path. Ended sessions leave the store. It also
 * keeps who may join: the owner's lock, the controllers admitted so far, and kicked members.
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

  /**
   * Locks (no new controllers, see {@link #admit}) or unlocks a live session. False, changing
   * nothing, if the session is not live. The lock lasts until unlocked or the session ends.
   */
  Future<Boolean> lock(SessionState session, boolean locked);

  /** Whether the session is locked; false for one that is not live. */
  Future<Boolean> locked(String code);

  /**
   * Bars {@code clientId} from the session, in any role, until {@code until} (on the engine's
   * clock), and forgets it as a member, so a locked session keeps it out after that too.
   */
  Future<Void> kick(SessionState session, String clientId, Instant until);

  /**
   * Decides a join at {@code now}, atomically: {@link Admission#KICKED} while a kick of {@code
   * clientId} runs; for a controller, {@link Admission#LOCKED} if the session is locked and {@code
   * clientId} was never admitted to it as a controller (a member may reconnect while locked); else
   * {@link Admission#ADMITTED}, remembering a controller as a member. Only a kick and the lock are
   * checked: the caller has already found the session live.
   */
  Future<Admission> admit(SessionState session, String clientId, boolean controller, Instant now);

  /** The answer to {@link #admit}. */
  enum Admission {
    ADMITTED,
    LOCKED,
    KICKED
  }

  /** Every live session, for sweeps. */
  Future<List<SessionState>> live();

  /** Live sessions right now; cheap, may be approximate on distributed backends. */
  long liveCount();
}
