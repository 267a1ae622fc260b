package dev.marquee.history;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.store.RedisCipher;
import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds PostgreSQL from the one outbox stream of standalone and Sentinel Redis. Every instance runs
 * one consumer of the group {@value OutboxArchiver#GROUP}, blocking on a connection of its own for
 * new entries; an entry is acknowledged and deleted only after its batch committed, so the crash of
 * any instance loses nothing: entries it held are claimed by another consumer once idle for {@code
 * claimAfter}. A message stored twice (a batch committed just before a crash) is harmless: the
 * insert ignores duplicates.
 */
final class StreamArchiver implements OutboxArchiver {
  private static final Logger log = LoggerFactory.getLogger(StreamArchiver.class);
  static final int BATCH = 500;
  static final long BLOCK_MS = 1_000;
  static final long CLAIM_EVERY_MS = 5_000;

  private final RedisStore store;
  private final MessageArchive archive;
  private final String consumer;
  private final Duration claimAfter;
  private final String stream;
  private final AtomicLong archived = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private RedisConnection connection;
  private volatile boolean pendingFirst = true;
  private volatile boolean stopped;
  private long claimTimer = -1;
  private long backoffMs;
  private Promise<Void> idle;

  StreamArchiver(RedisStore store, MessageArchive archive, String consumer, Duration claimAfter) {
    this.store = store;
    this.archive = archive;
    this.consumer = consumer;
    this.claimAfter = claimAfter;
    this.stream = store.keys().outbox();
  }

  /** Creates the group if needed and starts consuming; completes once the group exists. */
  @Override
  public Future<Void> start() {
    return createGroup()
        .onSuccess(
            v -> {
              claimTimer = store.vertx().setPeriodic(CLAIM_EVERY_MS, id -> claim());
              connectAndRead();
            });
  }

  /** From id 0, so entries added before it (to a stream Redis had lost) are read too. */
  private Future<Void> createGroup() {
    return store
        .send(Command.XGROUP, "CREATE", stream, GROUP, "0", "MKSTREAM")
        .<Void>mapEmpty()
        .recover(
            e ->
                String.valueOf(e.getMessage()).startsWith("BUSYGROUP")
                    ? Future.succeededFuture()
                    : Future.failedFuture(e));
  }

  @Override
  public long failures() {
    return failures.get();
  }

  @Override
  public long archived() {
    return archived.get();
  }

  /** The intake script checks the stream's length itself: nothing is counted here. */
  @Override
  public long backlog() {
    return 0;
  }

  @Override
  public Future<Void> stop() {
    stopped = true;
    if (claimTimer >= 0) {
      store.vertx().cancelTimer(claimTimer);
    }
    idle = Promise.promise();
    if (connection != null) {
      connection.close();
    }
    return idle.future()
        .timeout(5, java.util.concurrent.TimeUnit.SECONDS)
        .recover(e -> Future.succeededFuture());
  }

  private void connectAndRead() {
    if (stopped) {
      finished();
      return;
    }
    store
        .connectDedicated()
        .onSuccess(
            c -> {
              connection = c;
              c.exceptionHandler(
                  e -> log.debug("outbox connection error", kv("reason", e.getMessage())));
              read();
            })
        .onFailure(this::retryLater);
  }

  private void read() {
    if (stopped) {
      finished();
      return;
    }
    String from = pendingFirst ? "0" : ">";
    Request request =
        pendingFirst
            ? Request.cmd(
                Command.XREADGROUP,
                "GROUP",
                GROUP,
                consumer,
                "COUNT",
                BATCH,
                "STREAMS",
                stream,
                from)
            : Request.cmd(
                Command.XREADGROUP,
                "GROUP",
                GROUP,
                consumer,
                "COUNT",
                BATCH,
                "BLOCK",
                BLOCK_MS,
                "STREAMS",
                stream,
                from);
    connection
        .send(request)
        .onSuccess(
            reply -> {
              List<String> ids = new ArrayList<>();
              List<StoredMessage> messages = new ArrayList<>();
              entries(reply, ids, messages, store.cipher());
              if (ids.isEmpty()) {
                if (from.equals("0")) {
                  // Only a read of our own pending entries may clear the flag: a claim may have
                  // set it while a blocking read for new entries was out.
                  pendingFirst = false;
                }
                read();
                return;
              }
              archive
                  .store(messages)
                  .compose(v -> acknowledge(ids))
                  .onSuccess(
                      v -> {
                        archived.addAndGet(messages.size());
                        backoffMs = 0;
                        read();
                      })
                  .onFailure(
                      e -> {
                        // They stay pending for this consumer; read them again after a pause.
                        pendingFirst = true;
                        retryLater(e);
                      });
            })
        .onFailure(
            e -> {
              pendingFirst = true;
              if (connection != null) {
                connection.close();
                connection = null;
              }
              if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                // Redis came back without its data: the group went with the stream.
                createGroup();
              }
              retryLater(e);
            });
  }

  private Future<Void> acknowledge(List<String> ids) {
    List<Object> ack = new ArrayList<>(List.of(stream, GROUP));
    ack.addAll(ids);
    List<Object> del = new ArrayList<>(List.of(stream));
    del.addAll(ids);
    return store
        .send(Command.XACK, ack.toArray())
        .compose(v -> store.send(Command.XDEL, del.toArray()))
        .mapEmpty();
  }

  /** Takes over entries other consumers (crashed instances) left unacknowledged too long. */
  private void claim() {
    store
        .send(
            Command.XAUTOCLAIM,
            stream,
            GROUP,
            consumer,
            claimAfter.toMillis(),
            "0-0",
            "COUNT",
            BATCH)
        .onSuccess(
            reply -> {
              if (reply != null && reply.size() > 1 && reply.get(1).size() > 0) {
                log.info("outbox entries claimed", kv("count", reply.get(1).size()));
                pendingFirst = true;
              }
            })
        .onFailure(e -> log.debug("outbox claim failed", kv("reason", e.getMessage())));
  }

  private void retryLater(Throwable cause) {
    failures.incrementAndGet();
    if (stopped) {
      finished();
      return;
    }
    backoffMs = backoffMs == 0 ? 100 : Math.min(5_000, backoffMs * 2);
    if (backoffMs >= 1_600) {
      log.warn(
          "outbox archiving failing; retrying", kv("reason", String.valueOf(cause.getMessage())));
    }
    store
        .vertx()
        .setTimer(
            backoffMs,
            id -> {
              if (connection == null) {
                connectAndRead();
              } else {
                read();
              }
            });
  }

  private void finished() {
    if (idle != null) {
      idle.tryComplete();
    }
  }

  /** Reads an XREADGROUP reply (RESP2 array or RESP3 map) into entry ids and messages. */
  static void entries(
      Response reply, List<String> ids, List<StoredMessage> messages, RedisCipher cipher) {
    if (reply == null || reply.size() == 0) {
      return;
    }
    Response streamEntries =
        reply.isMap() ? reply.get(reply.getKeys().iterator().next()) : reply.get(0).get(1);
    for (int i = 0; i < streamEntries.size(); i++) {
      Response entry = streamEntries.get(i);
      Response fields = entry.get(1);
      ids.add(entry.get(0).toString());
      if (fields == null) {
        continue; // deleted meanwhile
      }
      for (int f = 0; f + 1 < fields.size(); f += 2) {
        if ("m".equals(fields.get(f).toString())) {
          try {
            messages.add(StoredMessageJson.decodeOpened(fields.get(f + 1).toString(), cipher));
          } catch (IllegalArgumentException | IllegalStateException e) {
            // It can never be stored; acknowledging it keeps it from blocking the rest.
            log.error("outbox entry unreadable, dropped", kv("id", entry.get(0).toString()));
          }
        }
      }
    }
  }
}
