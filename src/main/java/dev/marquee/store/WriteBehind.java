package dev.marquee.store;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches writes to PostgreSQL off the hot path: callers enqueue and get a future that completes
 * once their item is committed (group commit: one transaction in flight, the next batch is whatever
 * queued up meanwhile).
 *
 * <p>Bounded: {@link #offer} refuses (returns {@code null}) when {@code capacity} items wait, and
 * the caller decides what refusal means. While the database is unreachable the batch at the head is
 * retried with back-off (100 ms doubling to 5 s) and nothing queued is dropped. A batch the server
 * rejects (a data error, not a connection error) is retried item by item so one bad row cannot
 * block the rest; items that still fail are failed individually.
 *
 * <p>A sink is either a {@link Sink}, run inside a transaction ({@code BEGIN}, its statements,
 * {@code COMMIT}: at least three round trips), or a {@link Statement}: one statement, atomic by
 * itself, sent without a transaction, so a batch costs one round trip. A {@code linger} holds the
 * first item that arrives at an idle writer that long before flushing, so that a steady trickle of
 * items goes out in batches instead of one statement per item; for writes nobody waits on
 * (analytics), not for those a client's acknowledgement waits on.
 *
 * <p>The server also answers with an error when it cannot take any work (too many connections,
 * shutting down, starting up, a connection it terminated, a deadlock): those say nothing about the
 * rows, so they are retried like an unreachable server instead of failing the items.
 */
public final class WriteBehind<T> {
  private static final Logger log = LoggerFactory.getLogger(WriteBehind.class);
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  /** Writes one batch inside the given transaction. */
  @FunctionalInterface
  public interface Sink<T> {
    Future<Void> write(SqlConnection tx, List<T> batch);
  }

  /** Writes one batch as a single statement, without a transaction. */
  @FunctionalInterface
  public interface Statement<T> {
    Future<Void> write(SqlClient client, List<T> batch);
  }

  private record Pending<T>(T item, Promise<Void> done) {}

  private final String name;
  private final Vertx vertx;
  private final Context context;
  private final Function<List<T>, Future<Void>> write;
  private final long lingerMs;
  private final int capacity;
  private final int batchMax;
  private final ArrayDeque<Pending<T>> queue = new ArrayDeque<>();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong committed = new AtomicLong();
  private int reserved;
  private boolean flushing;
  private boolean scheduled;
  private long backoffMs;
  private boolean failing;
  private final List<Promise<Void>> drainWaiters = new ArrayList<>();

  /** A writer whose batches run in a transaction, flushed as soon as the writer is idle. */
  public WriteBehind(
      String name, Vertx vertx, Pool pool, int capacity, int batchMax, Sink<T> sink) {
    this(
        name,
        vertx,
        capacity,
        batchMax,
        0,
        items -> pool.withTransaction(tx -> sink.write(tx, items)));
  }

  /**
   * A writer whose batches are one statement each, sent without a transaction; an idle writer waits
   * {@code linger} after the first item before flushing (zero: at once).
   */
  public WriteBehind(
      String name,
      Vertx vertx,
      Pool pool,
      int capacity,
      int batchMax,
      Duration linger,
      Statement<T> statement) {
    this(name, vertx, capacity, batchMax, linger.toMillis(), items -> statement.write(pool, items));
  }

  private WriteBehind(
      String name,
      Vertx vertx,
      int capacity,
      int batchMax,
      long lingerMs,
      Function<List<T>, Future<Void>> write) {
    this.name = name;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.capacity = capacity;
    this.batchMax = batchMax;
    this.lingerMs = lingerMs;
    this.write = write;
  }

  /**
   * Queues {@code item}; the future completes when it is committed, or fails if the server rejected
   * it. Returns {@code null}, queuing nothing, when the buffer is full.
   */
  public Future<Void> offer(T item) {
    synchronized (this) {
      if (queue.size() + reserved >= capacity) {
        return null;
      }
      reserved++;
    }
    return offerReserved(item);
  }

  /**
   * Holds a place for one item, so a caller can commit to other effects first and be sure its item
   * will be taken. Every successful reservation is followed by {@link #offerReserved} or {@link
   * #release}.
   */
  public synchronized boolean reserve() {
    if (queue.size() + reserved >= capacity) {
      return false;
    }
    reserved++;
    return true;
  }

  /** Gives back a reservation that will not be used. */
  public synchronized void release() {
    reserved--;
  }

  /** Queues an item into a place held by {@link #reserve}; never refuses. */
  public Future<Void> offerReserved(T item) {
    Promise<Void> done = Promise.promise();
    synchronized (this) {
      reserved--;
      queue.addLast(new Pending<>(item, done));
      if (flushing || scheduled) {
        return done.future();
      }
      scheduled = true;
    }
    if (lingerMs > 0) {
      vertx.setTimer(lingerMs, id -> context.runOnContext(v -> flush()));
    } else {
      context.runOnContext(v -> flush());
    }
    return done.future();
  }

  /** Whether {@link #offer} would accept one more item right now. */
  public synchronized boolean hasRoom() {
    return queue.size() + reserved < capacity;
  }

  /** Items waiting or in flight. */
  public synchronized int depth() {
    return queue.size();
  }

  public long errors() {
    return errors.get();
  }

  public long committed() {
    return committed.get();
  }

  public String name() {
    return name;
  }

  /** Completes when everything queued so far is committed, or fails after {@code timeout}. */
  public Future<Void> drain(Duration timeout) {
    Promise<Void> drained = Promise.promise();
    synchronized (this) {
      if (queue.isEmpty()) {
        return Future.succeededFuture();
      }
      drainWaiters.add(drained);
    }
    return drained.future().timeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private void flush() {
    List<Pending<T>> batch;
    synchronized (this) {
      scheduled = false;
      if (flushing) {
        return;
      }
      if (queue.isEmpty()) {
        completeDrainWaiters();
        return;
      }
      flushing = true;
      batch = new ArrayList<>(Math.min(batchMax, queue.size()));
      var it = queue.iterator();
      while (it.hasNext() && batch.size() < batchMax) {
        batch.add(it.next());
      }
    }
    List<T> items = new ArrayList<>(batch.size());
    for (Pending<T> p : batch) {
      items.add(p.item());
    }
    write
        .apply(items)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                succeeded(batch);
              } else if (dataError(ar.cause()) && batch.size() > 1) {
                writeOneByOne(batch, 0);
              } else if (dataError(ar.cause())) {
                rejected(batch.get(0), ar.cause());
              } else {
                retryLater(batch.size(), ar.cause());
              }
            });
  }

  private void succeeded(List<Pending<T>> batch) {
    synchronized (this) {
      for (int i = 0; i < batch.size(); i++) {
        queue.pollFirst();
      }
      flushing = false;
    }
    committed.addAndGet(batch.size());
    if (failing) {
      failing = false;
      log.info("database writes recovered", kv("writer", name));
    }
    backoffMs = 0;
    for (Pending<T> p : batch) {
      p.done().complete();
    }
    flushOrLinger();
  }

  /**
   * After a batch: what queued meanwhile goes at once unless the writer lingers and has less than a
   * full batch, which then waits like a first item.
   */
  private void flushOrLinger() {
    if (lingerMs > 0) {
      synchronized (this) {
        if (!queue.isEmpty() && queue.size() < batchMax && !scheduled) {
          scheduled = true;
          vertx.setTimer(lingerMs, id -> context.runOnContext(v -> flush()));
          return;
        }
      }
    }
    flush();
  }

  private void writeOneByOne(List<Pending<T>> batch, int index) {
    if (index == batch.size()) {
      synchronized (this) {
        flushing = false;
      }
      flush();
      return;
    }
    Pending<T> one = batch.get(index);
    write
        .apply(List.of(one.item()))
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                synchronized (this) {
                  queue.pollFirst();
                }
                committed.incrementAndGet();
                one.done().complete();
                writeOneByOne(batch, index + 1);
              } else if (dataError(ar.cause())) {
                synchronized (this) {
                  queue.pollFirst();
                }
                fail(one, ar.cause());
                writeOneByOne(batch, index + 1);
              } else {
                retryLater(batch.size() - index, ar.cause());
              }
            });
  }

  /** Whether the server refused the rows themselves, so that trying again cannot help. */
  private static boolean dataError(Throwable cause) {
    if (!(cause instanceof PgException pg) || pg.getSqlState() == null) {
      return false;
    }
    String state = pg.getSqlState();
    return !(state.startsWith("08") // connection exception
        || state.startsWith("40") // serialization failure, deadlock
        || state.startsWith("53") // too many connections, disk full, out of memory
        || state.equals("57P01") // terminated by an administrator (fast shutdown)
        || state.equals("57P02") // crash shutdown
        || state.equals("57P03") // cannot connect now: starting up or shutting down
        || state.equals("25006")); // read-only: a primary demoted during failover
  }

  private void rejected(Pending<T> one, Throwable cause) {
    synchronized (this) {
      queue.pollFirst();
      flushing = false;
    }
    fail(one, cause);
    flush();
  }

  private void fail(Pending<T> one, Throwable cause) {
    errors.incrementAndGet();
    log.error("database rejected a write", kv("writer", name), kv("reason", cause.getMessage()));
    one.done().fail(cause);
  }

  private void retryLater(int size, Throwable cause) {
    errors.incrementAndGet();
    backoffMs = backoffMs == 0 ? MIN_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    if (!failing) {
      failing = true;
      log.warn(
          "database writes failing; retrying",
          kv("writer", name),
          kv("batch", size),
          kv("depth", depth()),
          kv("reason", String.valueOf(cause.getMessage())));
    }
    vertx.setTimer(
        backoffMs,
        id ->
            context.runOnContext(
                v -> {
                  synchronized (this) {
                    flushing = false;
                  }
                  flush();
                }));
  }

  private void completeDrainWaiters() {
    List<Promise<Void>> waiters = new ArrayList<>(drainWaiters);
    drainWaiters.clear();
    for (Promise<Void> w : waiters) {
      context.runOnContext(v -> w.tryComplete());
    }
  }
}
