package dev.marquee.history;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.store.RedisGroups;
import dev.marquee.store.RedisKeys;
import dev.marquee.store.RedisScript;
import dev.marquee.store.RedisStore;
import dev.marquee.store.Replies;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox of a Redis Cluster: one stream per session ({@code P:outbox:{CODE}}, in the session's
 * slot, so the intake's session script writes it with the message), found through the index {@code
 * P:outbox:sessions}, which the intake bumps before that script runs: a stream never has entries
 * without its index entry, even if the intake's instance dies in between.
 *
 * <p>Works in passes, one after another: read the index, then visit each session whose count moved
 * since this instance last visited it, whose stream held entries or whose session was gone then,
 * or, every {@value #FULL_PASS_EVERY_MS} ms, every session (a message whose script landed just
 * after its visit is found then at the latest). A visit is one script ({@code outbox_read.lua}).
 * The messages of a group of visits are stored in one transaction, then acknowledged and deleted
 * per stream. A pass that found nothing is followed by the next a second later.
 *
 * <p>A session whose hash is gone and whose stream is empty leaves the index: ZREM first, then
 * {@code outbox_drop.lua} deletes the stream only if the session is still gone and the stream still
 * empty, else the entry is put back. An accept racing this either bumped the index after the ZREM,
 * or runs its script while the session exists (the drop then keeps the entry), unless the session
 * was rebuilt in between, in which case its stream waits for the session's next message.
 */
final class SessionStreamsArchiver implements OutboxArchiver {
  private static final Logger log = LoggerFactory.getLogger(SessionStreamsArchiver.class);
  static final RedisScript READ = RedisScript.load("outbox_read");
  static final RedisScript DROP = RedisScript.load("outbox_drop");
  static final int COUNT = 100;
  static final int VISITS_AT_ONCE = 32;
  static final long IDLE_MS = 1_000;
  static final long CLAIM_EVERY_MS = 5_000;
  static final long FULL_PASS_EVERY_MS = 10_000;

  private final RedisStore store;
  private final RedisKeys keys;
  private final MessageArchive archive;
  private final String consumer;
  private final long claimAfterMs;
  private final AtomicLong archived = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private final Promise<Void> idle = Promise.promise();
  private volatile long backlog;
  private volatile boolean started;
  private volatile boolean stopped;
  private volatile long timer = -1;
  private volatile long lastFullPass;
  private volatile long lastClaim;
  private volatile long backoffMs;

  /** The index count, stream length and whether the session lived, as a visit found them. */
  private record Seen(double count, long length, boolean sessionLives) {}

  private record Visit(String code, Seen seen, List<String> ids, List<StoredMessage> found) {}

  SessionStreamsArchiver(
      RedisStore store, MessageArchive archive, String consumer, Duration claimAfter) {
    this.store = store;
    this.keys = store.keys();
    this.archive = archive;
    this.consumer = consumer;
    this.claimAfterMs = Math.max(1, claimAfter.toMillis());
  }

  @Override
  public Future<Void> start() {
    return store
        .send(Command.EXISTS, keys.outboxSessions())
        .<Void>mapEmpty()
        .onSuccess(
            v -> {
              started = true;
              schedule(0);
            });
  }

  @Override
  public Future<Void> stop() {
    stopped = true;
    long pending = timer;
    if (!started || (pending >= 0 && store.vertx().cancelTimer(pending))) {
      idle.tryComplete();
    }
    return idle.future().timeout(5, TimeUnit.SECONDS).recover(e -> Future.succeededFuture());
  }

  @Override
  public long archived() {
    return archived.get();
  }

  @Override
  public long failures() {
    return failures.get();
  }

  @Override
  public long backlog() {
    return backlog;
  }

  private void schedule(long delayMs) {
    if (stopped) {
      idle.tryComplete();
      return;
    }
    timer =
        store
            .vertx()
            .setTimer(
                Math.max(1, delayMs),
                id -> {
                  timer = -1;
                  pass();
                });
  }

  private void pass() {
    if (stopped) {
      idle.tryComplete();
      return;
    }
    long at = System.currentTimeMillis();
    boolean full = at - lastFullPass >= FULL_PASS_EVERY_MS;
    boolean claim = at - lastClaim >= CLAIM_EVERY_MS;
    store
        .send(Command.ZRANGE, keys.outboxSessions(), "0", "-1", "WITHSCORES")
        .compose(
            index -> RedisGroups.inGroups(due(index, full), VISITS_AT_ONCE, g -> visit(g, claim)))
        .onSuccess(
            found -> {
              lastFullPass = full ? at : lastFullPass;
              lastClaim = claim ? at : lastClaim;
              backoffMs = 0;
              backlog = seen.values().stream().mapToLong(Seen::length).sum();
              schedule(found.contains(true) ? 0 : IDLE_MS);
            })
        .onFailure(this::retryLater);
  }

  /** Sessions to visit this pass, with their index counts; forgets those that left the index. */
  private List<Map.Entry<String, Double>> due(Response index, boolean full) {
    List<Map.Entry<String, Double>> due = new ArrayList<>();
    List<String> indexed = new ArrayList<>();
    for (Map.Entry<String, Response> entry : Replies.pairs(index)) {
      String code = entry.getKey();
      double count = entry.getValue().toDouble();
      indexed.add(code);
      Seen last = seen.get(code);
      if (full
          || last == null
          || last.count() != count
          || last.length() > 0
          || !last.sessionLives()) {
        due.add(Map.entry(code, count));
      }
    }
    seen.keySet().retainAll(indexed);
    return due;
  }

  /**
   * Visits a group of sessions; answers (as one item) whether any stream gave entries. A stream
   * that cannot be read or acknowledged (its node failing, say) does not hold up the others: it is
   * visited again next pass. Only a failed store fails the group, and the pass.
   */
  private Future<List<Boolean>> visit(List<Map.Entry<String, Double>> group, boolean claim) {
    return RedisGroups.all(group, e -> read(e.getKey(), e.getValue(), claim))
        .compose(
            results -> {
              List<Visit> visits = new ArrayList<>();
              List<StoredMessage> messages = new ArrayList<>();
              List<Future<?>> after = new ArrayList<>();
              for (Visit v : results) {
                if (v == null) {
                  continue;
                }
                visits.add(v);
                seen.put(v.code(), v.seen());
                messages.addAll(v.found());
                if (v.ids().isEmpty() && v.seen().length() == 0 && !v.seen().sessionLives()) {
                  after.add(drop(v.code()));
                }
              }
              Future<Void> stored =
                  messages.isEmpty() ? Future.succeededFuture() : archive.store(messages);
              return stored
                  .compose(
                      x -> {
                        archived.addAndGet(messages.size());
                        visits.stream().filter(v -> !v.ids().isEmpty()).forEach(v -> ack(v, after));
                        return Future.join(after).otherwiseEmpty();
                      })
                  .map(x -> List.of(visits.stream().anyMatch(v -> !v.ids().isEmpty())));
            });
  }

  /** Counts a visit that failed and forgets what was seen, so the next pass visits again. */
  private Visit failed(String code, Throwable cause) {
    failures.incrementAndGet();
    seen.remove(code);
    log.debug("outbox stream not read", kv("session", code), kv("reason", cause.getMessage()));
    return null;
  }

  private Future<Visit> read(String code, double count, boolean claim) {
    List<String> args =
        List.of(GROUP, consumer, Integer.toString(COUNT), Long.toString(claim ? claimAfterMs : 0));
    return store
        .eval(READ, List.of(keys.outbox(code), keys.session(code)), args)
        .map(
            r -> {
              List<String> ids = new ArrayList<>();
              List<StoredMessage> found = new ArrayList<>();
              for (int i = 2; i + 1 < r.size(); i += 2) {
                String id = r.get(i).toString();
                ids.add(id);
                String json = r.get(i + 1).toString();
                if (json.isEmpty()) {
                  continue; // deleted meanwhile
                }
                try {
                  found.add(StoredMessageJson.decodeOpened(json, store.cipher()));
                } catch (IllegalArgumentException | IllegalStateException e) {
                  // It can never be stored; acknowledging it keeps it from blocking the rest.
                  log.error("outbox entry unreadable, dropped", kv("session", code), kv("id", id));
                }
              }
              Seen now = new Seen(count, r.get(0).toLong(), r.get(1).toLong() == 1);
              return new Visit(code, now, ids, found);
            })
        .otherwise(e -> failed(code, e));
  }

  /**
   * XACK and XDEL in one batch (both on the session's slot). If it fails, the entries stay pending
   * for this consumer, which reads them again first next pass: stored twice, which is harmless.
   */
  private void ack(Visit v, List<Future<?>> after) {
    String stream = keys.outbox(v.code());
    List<Object> ack = new ArrayList<>(List.of(stream, GROUP));
    ack.addAll(v.ids());
    List<Object> del = new ArrayList<>(List.of(stream));
    del.addAll(v.ids());
    after.add(
        store
            .batch(
                List.of(
                    Request.cmd(Command.XACK, ack.toArray()),
                    Request.cmd(Command.XDEL, del.toArray())))
            .onFailure(e -> failed(v.code(), e)));
  }

  /**
   * Takes a gone session's empty stream out of the index; puts the entry back if the drop does not
   * happen (or cannot be confirmed). Never fails: a failed drop is tried again on a later pass.
   */
  private Future<Void> drop(String code) {
    return store
        .send(Command.ZREM, keys.outboxSessions(), code)
        .compose(x -> store.eval(DROP, List.of(keys.outbox(code), keys.session(code)), List.of()))
        .compose(
            dropped -> dropped.toLong() == 1 ? Future.<Void>succeededFuture() : putBack(code),
            e -> putBack(code))
        .otherwiseEmpty();
  }

  private Future<Void> putBack(String code) {
    return store.send(Command.ZINCRBY, keys.outboxSessions(), "1", code).mapEmpty();
  }

  private void retryLater(Throwable cause) {
    failures.incrementAndGet();
    backoffMs = backoffMs == 0 ? 100 : Math.min(5_000, backoffMs * 2);
    if (backoffMs >= 1_600) {
      log.warn(
          "outbox archiving failing; retrying", kv("reason", String.valueOf(cause.getMessage())));
    }
    schedule(backoffMs);
  }
}
