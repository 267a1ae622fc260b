package dev.marquee.history;

import dev.marquee.store.RedisKeys;
import dev.marquee.store.RedisScript;
import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Each session's window as a Redis list {@code P:history:{CODE}} of stored-message JSON, newest
 * first, shared by every instance: pick it with the Redis engine. Appends and loads are scripts, so
 * a reader never sees a list pushed but not yet trimmed, or emptied but not yet refilled; a list
 * left alone for {@link #EXPIRY} disappears, and replay then falls back to the archive.
 *
 * <p>Failure: futures fail when Redis does not answer or a list entry is not a stored message.
 */
final class RedisRecentHistory implements RecentHistory {
  private static final RedisScript APPEND = RedisScript.load("history_append");
  private static final RedisScript LOAD = RedisScript.load("history_load");
  private static final RedisScript CLEAR = RedisScript.load("history_clear");

  /** How long a window outlives its last append (docs/redis.md). */
  static final Duration EXPIRY = Duration.ofHours(24);

  /**
   * How long the window of an ended session stays for history reads: its newest messages may still
   * be in the outbox on their way to PostgreSQL, which takes milliseconds unless PostgreSQL is
   * down.
   */
  static final Duration RETIRED_EXPIRY = Duration.ofHours(1);

  private final RedisStore store;
  private final RedisKeys keys;
  private final int window;

  RedisRecentHistory(RedisStore store, int window) {
    this.store = store;
    this.keys = store.keys();
    this.window = window;
  }

  @Override
  public Future<Void> append(StoredMessage message) {
    return store
        .eval(
            APPEND,
            List.of(keys.history(message.session())),
            List.of(
                StoredMessageJson.encodeSealed(message, store.cipher()),
                Integer.toString(window),
                Long.toString(EXPIRY.toMillis())))
        .mapEmpty();
  }

  @Override
  public Future<Replay> since(String session, long afterSeq, long lastSeq) {
    if (afterSeq >= lastSeq) {
      return Future.succeededFuture(new Replay(afterSeq == lastSeq, List.of()));
    }
    return store
        .send(Command.LRANGE, keys.history(session), 0, -1)
        .map(newestFirst -> replay(newestFirst, afterSeq, lastSeq));
  }

  private Replay replay(Response newestFirst, long afterSeq, long lastSeq) {
    List<StoredMessage> oldestFirst = oldestFirst(newestFirst);
    int n = oldestFirst.size();
    if (n == 0) {
      return new Replay(false, List.of());
    }
    boolean complete =
        oldestFirst.get(0).seq() <= afterSeq + 1 && oldestFirst.get(n - 1).seq() >= lastSeq;
    if (!complete) {
      return new Replay(false, List.of());
    }
    List<StoredMessage> out = new ArrayList<>();
    for (StoredMessage m : oldestFirst) {
      if (m.seq() > afterSeq && m.seq() <= lastSeq) {
        out.add(m);
      }
    }
    return new Replay(true, List.copyOf(out));
  }

  @Override
  public Future<Void> load(String session, List<StoredMessage> oldestFirst) {
    List<String> args = new ArrayList<>(Math.min(oldestFirst.size(), window) + 1);
    args.add(Long.toString(EXPIRY.toMillis()));
    for (int i = Math.max(0, oldestFirst.size() - window); i < oldestFirst.size(); i++) {
      args.add(StoredMessageJson.encodeSealed(oldestFirst.get(i), store.cipher()));
    }
    return store.eval(LOAD, List.of(keys.history(session)), args).mapEmpty();
  }

  @Override
  public Future<Void> drop(String session) {
    return store.send(Command.DEL, keys.history(session)).mapEmpty();
  }

  @Override
  public Future<List<StoredMessage>> window(String session) {
    return store.send(Command.LRANGE, keys.history(session), 0, -1).map(this::oldestFirst);
  }

  @Override
  public Future<Void> clear(String session, long throughSeq) {
    return store
        .eval(CLEAR, List.of(keys.history(session)), List.of(Long.toString(throughSeq)))
        .mapEmpty();
  }

  /**
   * Messages are acknowledged once in the outbox, so the window of an ended session may hold some
   * that PostgreSQL does not have yet: it is kept for {@link #RETIRED_EXPIRY}, never longer than it
   * would have lived.
   */
  @Override
  public Future<Void> retire(String session) {
    return store
        .send(Command.PEXPIRE, keys.history(session), RETIRED_EXPIRY.toMillis(), "LT")
        .mapEmpty();
  }

  private List<StoredMessage> oldestFirst(Response newestFirst) {
    int n = newestFirst == null ? 0 : newestFirst.size();
    List<StoredMessage> out = new ArrayList<>(n);
    for (int i = n - 1; i >= 0; i--) {
      out.add(StoredMessageJson.decodeOpened(newestFirst.get(i).toString(), store.cipher()));
    }
    return out;
  }
}
