package dev.marquee.profile;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code profiles} table. A signed-in request writes its profile only when this instance has
 * not written the same name for it within {@link #REMEMBER}, and the statement itself leaves an
 * unchanged row alone, so a busy user costs one map lookup per request.
 */
public final class ProfileRecords {
  public static final String UPSERT =
      "INSERT INTO profiles (id, display_name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET"
          + " display_name = EXCLUDED.display_name, updated_at = now() WHERE"
          + " profiles.display_name IS DISTINCT FROM EXCLUDED.display_name";

  /**
   * How long a write is trusted to still hold: another instance (or an operator) may have changed
   * the row since, and after this long the next request writes it again.
   */
  static final Duration REMEMBER = Duration.ofMinutes(10);

  /** Past this many remembered profiles the memory starts over; the cost is one write each. */
  static final int REMEMBER_MAX = 50_000;

  private record Written(String displayName, Instant at) {}

  private final Pool pool;
  private final Clock clock;
  private final ConcurrentHashMap<UUID, Written> written = new ConcurrentHashMap<>();

  public ProfileRecords(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Creates or renames the profile unless this instance just did; completes once it holds. */
  Future<Void> upsert(Profile p) {
    Instant now = clock.instant();
    Written last = written.get(p.id());
    if (last != null
        && last.displayName().equals(p.displayName())
        && now.isBefore(last.at().plus(REMEMBER))) {
      return Future.succeededFuture();
    }
    return write(p, now);
  }

  /** Writes the profile whatever was remembered (a session insert found it missing). */
  Future<Void> write(Profile p, Instant now) {
    return pool.preparedQuery(UPSERT)
        .execute(Tuple.of(p.id(), p.displayName()))
        .map(
            rows -> {
              if (written.size() >= REMEMBER_MAX) {
                written.clear();
              }
              written.put(p.id(), new Written(p.displayName(), now));
              return null;
            });
  }

  /** Forgets that the profile was written, so the next request writes it again. */
  void forget(UUID id) {
    written.remove(id);
  }
}
