package dev.marquee.messaging;

import dev.marquee.bus.RoomBus;
import dev.marquee.config.Config;
import dev.marquee.config.RedisUrl;
import dev.marquee.history.MessageArchive;
import dev.marquee.history.RecentHistory;
import dev.marquee.history.StoredMessage;
import dev.marquee.presence.Role;
import dev.marquee.ratelimit.RateLimitKind;
import dev.marquee.ratelimit.RateLimiter;
import dev.marquee.session.SessionStore;
import dev.marquee.store.EngineMarkers;
import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * Accepting one message: both rate limits, the next seq, the recent-history append, the session's
 * activity stamp and the publication, as one atomic step. Either all of it happens or none of it (a
 * refused message is neither stored nor delivered, and consumes no seq).
 *
 * <p>Messages of one session are published in seq order. {@link Admission.Accepted#stored()}
 * completes when the message is durable, which is when the sender may be acknowledged.
 */
public interface MessageIntake {

  /**
   * The single-instance intake: composes the memory ports, serialised per session, and makes a
   * message durable by committing it to PostgreSQL (through {@code archive}) before its ack.
   */
  static MessageIntake memory(
      Clock clock,
      Config.RateLimits limits,
      SessionStore sessions,
      RecentHistory history,
      RateLimiter limiter,
      RoomBus bus,
      MessageArchive archive) {
    return new MemoryMessageIntake(clock, limits, sessions, history, limiter, bus, archive);
  }

  /**
   * The intake for many instances, durable once Redis has the message, PostgreSQL fed from the
   * Redis outbox. On standalone and Sentinel one script call per message does everything. On a
   * cluster the two limits are taken rule by rule, then one script on the session's slot does the
   * rest: three round trips, and limits taken before a refusal for another reason stay taken
   * (docs/redis.md). {@code outboxBacklog} is the archiver's count of the whole outbox, which only
   * the cluster intake needs (a script there sees one session's stream).
   */
  static MessageIntake redis(
      Clock clock, Config.RateLimits limits, RedisStore store, LongSupplier outboxBacklog) {
    if (store.url().mode() == RedisUrl.Mode.CLUSTER) {
      return new ClusterMessageIntake(
          clock, limits, store, RateLimiter.redis(store, clock), outboxBacklog);
    }
    return new RedisMessageIntake(clock, limits, store);
  }

  Future<Admission> accept(Submission submission);

  /** A message a controller wants to send; {@code ipKey} is its client IP, grouped. */
  record Submission(
      String session, String clientId, String name, Role role, String ipKey, String text) {}

  /** The outcome of {@link #accept}. */
  sealed interface Admission {
    record Accepted(StoredMessage message, Future<Void> stored) implements Admission {}

    /**
     * Nothing happened. {@code code} is a protocol error code; {@code limitedBy} is set for {@code
     * rate_limited}.
     */
    record Refused(String code, String message, long retryAfterMs, RateLimitKind limitedBy)
        implements Admission {
      /** How long a sender is told to wait while the store for PostgreSQL is full. */
      public static final long BUFFER_FULL_RETRY_MS = 2_000;

      public static Refused rateLimited(RateLimitKind kind, long waitMs) {
        return new Refused(
            "rate_limited",
            kind == RateLimitKind.IP
                ? "too many messages from your network; wait a moment"
                : "too many messages; wait a moment",
            waitMs,
            kind);
      }

      public static Refused bufferFull() {
        return new Refused(
            "unavailable",
            "the message store is catching up; try again shortly",
            BUFFER_FULL_RETRY_MS,
            null);
      }

      public static Refused sessionEnded() {
        return new Refused("session_ended", "the session has ended", 0, null);
      }

      /** Redis restarted empty and the session is not rebuilt yet: retry, nothing was taken. */
      public static Refused restoring() {
        return new Refused(
            "unavailable",
            "the server is restoring sessions after a Redis restart; try again shortly",
            BUFFER_FULL_RETRY_MS,
            null);
      }
    }
  }

  /**
   * A session missing from Redis while the engine markers are gone is not ended: it waits for the
   * rebuild from PostgreSQL, so the sender hears {@code unavailable} rather than {@code
   * session_ended}.
   */
  /**
   * Whether a failed {@link #accept} may still have stored (and published) the message: the store's
   * connection broke while the call waited for its answer (an I/O error such as a reset: Redis
   * killed after running the script, its reply lost), as opposed to never connecting or the store
   * answering with an error. The sender is then told {@code unconfirmed}, not refused.
   */
  static boolean unconfirmed(Throwable failure) {
    boolean io = false;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof io.vertx.redis.client.impl.types.ErrorType) {
        // Also how the Redis client fails the calls it had sent when their connection closed.
        return CONNECTION_CLOSED.equals(t.getMessage());
      }
      if (t instanceof java.net.ConnectException) {
        return false;
      }
      io |= t instanceof java.io.IOException;
    }
    return io;
  }

  /** The Redis client's failure for calls sent on a connection that closed before they answered. */
  String CONNECTION_CLOSED = "CONNECTION_CLOSED";

  static Future<Admission> unlessStateLost(
      Admission admission, EngineMarkers markers, String sessionKey) {
    if (admission instanceof Admission.Refused r && r.code().equals("session_ended")) {
      // Markers first: once they are back every session is, so a session missing then has ended;
      // one present then was put back after the script looked (nothing was taken: retry).
      return markers
          .intact()
          .compose(
              intact ->
                  !intact
                      ? Future.succeededFuture(Admission.Refused.restoring())
                      : markers
                          .exists(sessionKey)
                          .map(exists -> exists ? Admission.Refused.restoring() : admission));
    }
    return Future.succeededFuture(admission);
  }
}
