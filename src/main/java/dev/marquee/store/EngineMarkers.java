package dev.marquee.store;

import dev.marquee.api.ApiException;
import dev.marquee.config.RedisUrl;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys that say Redis still holds the engine state (docs/redis.md, "When Redis forgets"): set
 * once the state is known good, never expiring, so their absence means Redis restarted empty or was
 * flushed. One key on standalone and Sentinel; on a cluster {@value #CLUSTER_MARKERS}, one in every
 * 1024th slot, so that every master owning at least 1024 slots holds one.
 *
 * <p>A session missing from Redis while a marker is missing is not gone: it is waiting for the
 * rebuild from PostgreSQL. Callers that are about to say "not found" or "ended" ask {@link
 * #intact()} first and answer {@code unavailable} ({@link #stateLost()}) instead.
 */
public final class EngineMarkers {
  public static final int CLUSTER_MARKERS = 16;

  private final RedisStore store;
  private final List<String> keys;

  public EngineMarkers(RedisStore store) {
    this.store = store;
    String marker = store.keys().prefix() + ":engine:ready";
    if (store.url().mode() != RedisUrl.Mode.CLUSTER) {
      keys = List.of(marker);
    } else {
      List<String> spread = new ArrayList<>();
      for (int i = 0; i < CLUSTER_MARKERS; i++) {
        spread.add(marker + ":{" + RedisSlots.tagFor(i * RedisSlots.COUNT / CLUSTER_MARKERS) + "}");
      }
      keys = List.copyOf(spread);
    }
  }

  public List<String> keys() {
    return keys;
  }

  /** Whether {@code key} exists. */
  public Future<Boolean> exists(String key) {
    return store.send(Command.EXISTS, key).map(r -> r.toInteger() == 1);
  }

  /** Whether every marker is there (one EXISTS per marker). */
  public Future<Boolean> intact() {
    return RedisGroups.all(keys, k -> store.send(Command.EXISTS, k))
        .map(found -> found.stream().allMatch(r -> r.toInteger() == 1));
  }

  /**
   * {@code found} when present; when empty, 503 {@code unavailable} while the state is lost, else
   * what {@code again} reads now: the rebuild may have put the session back between the first read
   * and this check, and once the markers are back every session is, so the second read is the
   * answer.
   */
  public <T> Future<java.util.Optional<T>> unlessLost(
      java.util.Optional<T> found,
      java.util.function.Supplier<Future<java.util.Optional<T>>> again) {
    if (found.isPresent()) {
      return Future.succeededFuture(found);
    }
    return intact().compose(ok -> ok ? again.get() : Future.failedFuture(stateLost()));
  }

  /** What a client hears while the state is being rebuilt. */
  public static ApiException stateLost() {
    return new ApiException(
        503, "unavailable", "the server is restoring sessions after a Redis restart; retry", 1);
  }
}
