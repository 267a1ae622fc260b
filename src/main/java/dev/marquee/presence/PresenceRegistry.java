package dev.marquee.presence;

import dev.marquee.config.RedisUrl;
import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Who is in each session, by role. A member is a {@code clientId}; it may hold several connections
 * (two tabs, a reconnect racing the old socket) and is present while it holds at least one.
 *
 * <p>Every call that changes presence returns the {@link Change} it made so the caller can announce
 * exactly that, once; {@link Change.Kind#NONE} means nothing anyone needs to hear.
 */
public interface PresenceRegistry {

  /** Presence in this process, with time from {@code clock}. */
  static PresenceRegistry memory(Clock clock) {
    return new MemoryPresenceRegistry(clock);
  }

  /**
   * Presence in Redis, shared by every instance on it (docs/redis.md). {@code instanceId} names
   * this process's sockets: unique per process start (a restart must not inherit the sockets of its
   * previous run) and without {@code '|'}. {@code idleTimeout} is the one sweeps are given; a
   * session's keys expire a while after it. Starts the instance heartbeat: call {@link #close()} on
   * shutdown.
   */
  static PresenceRegistry redis(
      RedisStore store, Clock clock, String instanceId, Duration idleTimeout) {
    InstanceHeartbeat heartbeat =
        new InstanceHeartbeat(
            store,
            instanceId,
            RedisPresenceRegistry.HEARTBEAT_TTL,
            RedisPresenceRegistry.HEARTBEAT_EVERY);
    RedisPresenceRegistry registry =
        new RedisPresenceRegistry(
            store,
            clock,
            instanceId,
            idleTimeout,
            heartbeat,
            store.url().mode() != RedisUrl.Mode.CLUSTER);
    heartbeat.start();
    return registry;
  }

  /**
   * Adds one connection for the member (name and role as given most recently). An HTTP join holds
   * no connection of its own, so polling clients may repeat it and one leave removes them; a member
   * that joins over a WebSocket is listed as {@link Via#WS} from then on. JOIN for a member not
   * present, ACTIVE for one that was idle (a join is hearing from it), else NONE.
   */
  Future<Change> join(String session, String clientId, String name, Role role, Via via);

  /** Removes one connection; the member leaves with its last one. NONE if it was not present. */
  Future<Change> leave(String session, String clientId, String reason);

  /**
   * Removes the member whatever connections it holds (an operator's clean-up): LEAVE with {@code
   * reason}, or NONE if it was not present. Its sockets are closed by whoever holds them on hearing
   * a {@code leave} with reason {@code idle}.
   */
  Future<Change> remove(String session, String clientId, String reason);

  /** The member was heard from. ACTIVE if it had been idle, else NONE. */
  Future<Change> touch(String session, String clientId);

  Future<Counts> counts(String session);

  /** Members, oldest first. */
  Future<List<Member>> members(String session);

  /**
   * Marks members silent for {@code idleAfter} as idle and removes those silent for {@code
   * idleTimeout} (reason {@code idle}), across all sessions.
   */
  Future<List<Change>> sweep(Duration idleAfter, Duration idleTimeout);

  /** Forgets every member of the session (it ended). */
  Future<Void> drop(String session);

  /**
   * Stops background work, after this instance's sockets were closed (and left). Only the Redis
   * backend has any: its heartbeat, whose key goes so other instances drop whatever this one still
   * held; it refuses joins afterwards.
   */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** How a member is connected. */
  enum Via {
    WS,
    HTTP;

    public String wire() {
      return this == WS ? "ws" : "http";
    }
  }

  record Member(
      String clientId,
      String name,
      Role role,
      Instant joinedAt,
      Instant lastActiveAt,
      boolean idle,
      Via via) {}

  record Counts(int controller, int display, int idle) {
    public static final Counts EMPTY = new Counts(0, 0, 0);

    public int online() {
      return controller + display;
    }
  }

  record Change(String session, Kind kind, Member member, Counts counts, String reason) {
    public enum Kind {
      NONE,
      JOIN,
      LEAVE,
      IDLE,
      ACTIVE
    }

    public String event() {
      return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
