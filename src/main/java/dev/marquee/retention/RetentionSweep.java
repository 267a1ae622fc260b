package dev.marquee.retention;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.config.Retention;
import dev.marquee.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what PostgreSQL no longer has to keep (docs/operations.md, "Retention"): the messages of
 * sessions that ended more than {@code HISTORY_RETENTION} ago, then those sessions' rows, and
 * analytics events older than {@code ANALYTICS_RETENTION}.
 *
 * <p>Work goes in batches of at most {@link #batchSize} rows, each its own short transaction, so no
 * lock is held for long and readers and the archive carry on in between. Each batch first takes a
 * transaction-scoped advisory lock without waiting: when several instances sweep at once, only one
 * works at any moment, and the others stop at once and leave the rest to it (it takes the next
 * batch, and so on until nothing is left). Nothing is ever done twice, as each batch chooses its
 * rows afresh from what is still there.
 *
 * <p>A session's row goes in the batch that removes its last message: never before, as the table's
 * foreign key would otherwise delete all its messages in one statement.
 */
public final class RetentionSweep {
  private static final Logger log = LoggerFactory.getLogger(RetentionSweep.class);

  /** The advisory lock every instance's sweep takes: "marquee" and a 1, as a bigint. */
  public static final long LOCK_KEY = 0x6d61727175656501L;

  public static final int DEFAULT_BATCH_SIZE = 1_000;

  /** Sessions a batch works on at once; their messages are deleted up to the batch size. */
  static final int SESSIONS_PER_BATCH = 100;

  public static final String LOCK = "SELECT pg_try_advisory_xact_lock($1) AS locked";

  /**
   * Sessions past the cutoff $1, oldest first, at most $2: those ended before it, and those whose
   * end was never recorded but whose lifetime ran out before it (every session ends by then).
   */
  public static final String EXPIRED_SESSIONS =
      "SELECT code FROM ((SELECT code FROM sessions WHERE ended_at < $1 ORDER BY ended_at LIMIT $2)"
          + " UNION ALL (SELECT code FROM sessions WHERE ended_at IS NULL AND expires_at < $1"
          + " ORDER BY expires_at LIMIT $2)) s LIMIT $2";

  /** Up to $2 messages of the sessions $1, found through the primary key, deleted by row id. */
  public static final String DELETE_MESSAGES =
      "DELETE FROM messages WHERE ctid = ANY(ARRAY(SELECT ctid FROM messages"
          + " WHERE session_code = ANY($1::text[]) LIMIT $2))";

  /** The sessions $1, still past the cutoff $2 (checked again: nothing else may be removed). */
  public static final String DELETE_SESSIONS =
      "DELETE FROM sessions WHERE code = ANY($1::text[])"
          + " AND (ended_at < $2 OR (ended_at IS NULL AND expires_at < $2))";

  /** Up to $2 of the oldest analytics events before $1. */
  public static final String DELETE_EVENTS =
      "DELETE FROM analytics_events WHERE ctid = ANY(ARRAY(SELECT ctid FROM analytics_events"
          + " WHERE occurred_at < $1 ORDER BY occurred_at LIMIT $2))";

  /** What one sweep removed, and whether it stopped because another instance was sweeping. */
  public record Removed(
      long messages, long sessions, long analyticsEvents, int batches, boolean yielded) {
    static final Removed NONE = new Removed(0, 0, 0, 0, false);

    Removed plus(Removed b) {
      return new Removed(
          messages + b.messages,
          sessions + b.sessions,
          analyticsEvents + b.analyticsEvents,
          batches + b.batches,
          yielded || b.yielded);
    }

    public long total() {
      return messages + sessions + analyticsEvents;
    }
  }

  /** One batch's outcome: what it removed, and whether its kind of work may have more. */
  private record Batch(Removed removed, boolean more) {}

  private final Pool pool;
  private final Clock clock;
  private final Retention retention;
  private final int batchSize;
  private final Metrics metrics;
  private final AtomicBoolean running = new AtomicBoolean();

  public RetentionSweep(
      Pool pool, Clock clock, Retention retention, int batchSize, Metrics metrics) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive");
    }
    this.pool = pool;
    this.clock = clock;
    this.retention = retention;
    this.batchSize = batchSize;
    this.metrics = metrics;
  }

  /**
   * Removes everything past retention as of now, batch after batch, until nothing is left or
   * another instance is sweeping. A sweep already running in this instance makes this a no-op.
   * Fails if a batch fails; the batches before it stay done.
   */
  public Future<Removed> sweep() {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture(Removed.NONE);
    }
    long started = System.nanoTime();
    Instant now = clock.instant();
    OffsetDateTime historyCutoff = retention.history().map(d -> utc(now.minus(d))).orElse(null);
    OffsetDateTime analyticsCutoff = retention.analytics().map(d -> utc(now.minus(d))).orElse(null);
    return loop(
            Removed.NONE,
            historyCutoff == null ? null : tx -> historyBatch(tx, historyCutoff),
            analyticsCutoff == null ? null : tx -> analyticsBatch(tx, analyticsCutoff))
        .onComplete(
            ar -> {
              running.set(false);
              if (ar.succeeded() && ar.result().total() > 0) {
                Removed r = ar.result();
                log.info(
                    "retention swept",
                    kv("messages", r.messages()),
                    kv("sessions", r.sessions()),
                    kv("analyticsEvents", r.analyticsEvents()),
                    kv("batches", r.batches()),
                    kv("yielded", r.yielded()),
                    kv("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
              }
            });
  }

  private interface Work {
    Future<Batch> run(SqlConnection tx);
  }

  /** History first until it has no more, then analytics, one locked transaction per batch. */
  private Future<Removed> loop(Removed sofar, Work history, Work analytics) {
    Work work = history != null ? history : analytics;
    if (work == null) {
      return Future.succeededFuture(sofar);
    }
    return pool.withTransaction(
            tx ->
                tx.preparedQuery(LOCK)
                    .execute(Tuple.of(LOCK_KEY))
                    .compose(
                        rows ->
                            rows.iterator().next().getBoolean("locked")
                                ? work.run(tx)
                                : Future.succeededFuture((Batch) null)))
        .compose(
            batch -> {
              if (batch == null) {
                return Future.succeededFuture(sofar.plus(new Removed(0, 0, 0, 0, true)));
              }
              count(batch.removed());
              Removed total = sofar.plus(batch.removed());
              if (batch.more()) {
                return loop(total, history, analytics);
              }
              return work == history ? loop(total, null, analytics) : Future.succeededFuture(total);
            });
  }

  private Future<Batch> historyBatch(SqlConnection tx, OffsetDateTime cutoff) {
    return tx.preparedQuery(EXPIRED_SESSIONS)
        .execute(Tuple.of(cutoff, SESSIONS_PER_BATCH))
        .compose(
            rows -> {
              List<String> codes = new ArrayList<>();
              for (Row row : rows) {
                codes.add(row.getString("code"));
              }
              if (codes.isEmpty()) {
                return Future.succeededFuture(new Batch(new Removed(0, 0, 0, 1, false), false));
              }
              String[] array = codes.toArray(new String[0]);
              return tx.preparedQuery(DELETE_MESSAGES)
                  .execute(Tuple.of(array, batchSize))
                  .compose(
                      deleted -> {
                        long messages = deleted.rowCount();
                        if (messages == batchSize) {
                          // These sessions may have more: their rows wait for the next batch.
                          return Future.succeededFuture(
                              new Batch(new Removed(messages, 0, 0, 1, false), true));
                        }
                        return tx.preparedQuery(DELETE_SESSIONS)
                            .execute(Tuple.of(array, cutoff))
                            .map(
                                gone ->
                                    new Batch(
                                        new Removed(messages, gone.rowCount(), 0, 1, false), true));
                      });
            });
  }

  private Future<Batch> analyticsBatch(SqlConnection tx, OffsetDateTime cutoff) {
    return tx.preparedQuery(DELETE_EVENTS)
        .execute(Tuple.of(cutoff, batchSize))
        .map(
            deleted ->
                new Batch(
                    new Removed(0, 0, deleted.rowCount(), 1, false),
                    deleted.rowCount() == batchSize));
  }

  private void count(Removed r) {
    metrics.retentionRemoved("messages", r.messages());
    metrics.retentionRemoved("sessions", r.sessions());
    metrics.retentionRemoved("analytics_events", r.analyticsEvents());
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
