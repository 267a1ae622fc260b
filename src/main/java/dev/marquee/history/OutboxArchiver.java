package dev.marquee.history;

import dev.marquee.config.RedisUrl;
import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * Feeds PostgreSQL from the Redis outbox, where the message intake leaves every accepted message.
 * Every instance runs one, as one consumer of the group {@value #GROUP}. An entry is acknowledged
 * and deleted only after its batch committed, so the crash of any instance loses nothing: entries
 * it held are claimed by another consumer once idle for {@code claimAfter}. A message stored twice
 * (a batch committed just before a crash) is harmless: the insert ignores duplicates.
 *
 * <p>Failure: database or Redis errors are retried with back-off (100 ms doubling to 5 s) until
 * {@link #stop()}; entries wait in Redis meanwhile, and the intake refuses new messages once the
 * outbox holds its bound.
 */
public interface OutboxArchiver {
  /** The consumer group of every outbox stream. */
  String GROUP = "archivers";

  /**
   * The archiver for the store's topology: on standalone and Sentinel the one stream {@code
   * P:outbox}, read with blocking reads; on a cluster every session's stream {@code
   * P:outbox:{CODE}}, found through {@code P:outbox:sessions} and read in passes (docs/redis.md).
   */
  static OutboxArchiver redis(
      RedisStore store, MessageArchive archive, String consumer, Duration claimAfter) {
    return store.url().mode() == RedisUrl.Mode.CLUSTER
        ? new SessionStreamsArchiver(store, archive, consumer, claimAfter)
        : new StreamArchiver(store, archive, consumer, claimAfter);
  }

  /** Starts consuming; completes once Redis answered (and the group exists where it must). */
  Future<Void> start();

  /** Stops after the batch in hand is stored (or fails); what is left stays in Redis. */
  Future<Void> stop();

  /** Messages this instance has written to PostgreSQL from the outbox. */
  long archived();

  /** Failed attempts so far (database or Redis errors); each retry counts. */
  long failures();

  /**
   * Messages waiting in the outbox as this instance last counted them, for an intake that cannot
   * see the whole outbox from one script (a cluster's); 0 where the intake counts for itself.
   */
  long backlog();
}
