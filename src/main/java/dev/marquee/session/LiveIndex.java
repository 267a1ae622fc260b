package dev.marquee.session;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.store.RedisKeys;
import dev.marquee.store.RedisScript;
import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live index {@code P:sessions:live} (code, score expiresAt) as the Redis session store keeps
 * it, and the count of live sessions cached from it. Inside the session scripts where one script
 * may touch both keys; beside them on a cluster, where it lives in another slot than the hashes.
 */
final class LiveIndex {
  private static final Logger log = LoggerFactory.getLogger(LiveIndex.class);
  static final RedisScript UNINDEX = RedisScript.load("session_unindex");
  private static final long COUNT_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final RedisStore store;
  private final RedisKeys keys;
  final boolean inScripts;
  private final AtomicLong count = new AtomicLong();
  // Starts stale so the first count() asks Redis.
  private final AtomicLong countedAt = new AtomicLong(System.nanoTime() - 2 * COUNT_REFRESH_NANOS);
  private final AtomicBoolean counting = new AtomicBoolean();

  LiveIndex(RedisStore store, boolean inScripts) {
    this.store = store;
    this.keys = store.keys();
    this.inScripts = inScripts;
  }

  /** The keys a session script gets: the hash, and the index where a script may touch it. */
  List<String> scriptKeys(String code) {
    return inScripts
        ? List.of(keys.session(code), keys.liveSessions())
        : List.of(keys.session(code));
  }

  /** After a put; {@code addedByScript} is what the script's ZADD answered (0 without one). */
  Future<Void> added(String code, String expiresAt, long addedByScript) {
    Future<Long> added =
        inScripts
            ? Future.succeededFuture(addedByScript)
            : store.send(Command.ZADD, keys.liveSessions(), expiresAt, code).map(r -> r.toLong());
    return added.map(
        n -> {
          count.addAndGet(n);
          return null;
        });
  }

  /** After an end took the hash. */
  Future<Void> ended(String code) {
    count.updateAndGet(n -> Math.max(0, n - 1));
    return inScripts ? Future.succeededFuture() : removeAndRecheck(code);
  }

  /** Every code in the index. */
  Future<List<String>> codes() {
    return store
        .send(Command.ZRANGE, keys.liveSessions(), "0", "-1")
        .map(
            r -> {
              List<String> codes = new ArrayList<>(r.size());
              r.forEach(c -> codes.add(c.toString()));
              return codes;
            });
  }

  /** Drops entries whose hash is gone (expired, evicted, lost in a failover); never fails. */
  Future<Void> prune(List<String> codes) {
    List<Future<?>> pruned = new ArrayList<>();
    for (String code : codes) {
      Future<Void> done =
          inScripts
              ? store
                  .eval(UNINDEX, List.of(keys.session(code), keys.liveSessions()), List.of(code))
                  .mapEmpty()
              : removeAndRecheck(code);
      pruned.add(
          done.onFailure(
              e ->
                  log.warn(
                      "session index entry not dropped",
                      kv("session", code),
                      kv("reason", e.getMessage()))));
    }
    return Future.join(pruned).otherwiseEmpty().mapEmpty();
  }

  /** What a full read of the index and hashes found. */
  void counted(int live) {
    count.set(live);
    countedAt.set(System.nanoTime());
  }

  /** The cached count; starts a background ZCARD when it is over a second old. */
  long count() {
    if (System.nanoTime() - countedAt.get() > COUNT_REFRESH_NANOS
        && counting.compareAndSet(false, true)) {
      store
          .send(Command.ZCARD, keys.liveSessions())
          .onComplete(
              ar -> {
                counting.set(false);
                countedAt.set(System.nanoTime());
                if (ar.succeeded()) {
                  count.set(ar.result().toLong());
                }
              });
    }
    return count.get();
  }

  /**
   * ZREM, then put the entry back if the hash exists after all: a put's ZADD comes after its hash,
   * so however they interleave, a live session keeps its entry.
   */
  private Future<Void> removeAndRecheck(String code) {
    return store
        .send(Command.ZREM, keys.liveSessions(), code)
        .compose(v -> store.send(Command.HGET, keys.session(code), SessionHash.EXPIRES_AT))
        .compose(
            expiresAt ->
                expiresAt == null
                    ? Future.succeededFuture()
                    : store
                        .send(Command.ZADD, keys.liveSessions(), expiresAt.toString(), code)
                        .mapEmpty());
  }
}
