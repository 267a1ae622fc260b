package dev.marquee.presence;

import dev.marquee.store.RedisKeys;
import dev.marquee.store.RedisScript;
import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Presence in Redis, shared by every instance: pick it with the Redis engine. Each change is one
 * call of {@code lua/presence.lua} on the session's two hashes, so JOIN goes out for the first
 * socket anywhere, LEAVE for the last one anywhere, and counts are exact across instances.
 *
 * <p>Sockets are counted per member and instance; this instance's heartbeat key says they are still
 * open. An instance that dies stops refreshing it, the key expires within {@link #HEARTBEAT_TTL}
 * (15 s), and the next {@link #sweep} on any other instance drops its sockets: members it alone
 * held leave (reason {@code lost}) within 15 s plus one sweep interval of the crash. An instance
 * that stalls longer than that loses its members the same way and logs {@code instance heartbeat
 * lapsed}; they come back when their clients reconnect.
 *
 * <p>A session's keys expire {@code idleTimeout} plus {@link #KEY_GRACE} after its last change, so
 * sweeps remove idle members (and announce it) well before, and keys no instance can sweep any more
 * still go away. {@link #close()} must be called on shutdown: it stops the heartbeat timer and
 * deletes the key, so other instances drop this one's remaining sockets at their next sweep.
 */
final class RedisPresenceRegistry implements PresenceRegistry {
  static final RedisScript SCRIPT = RedisScript.load("presence");
  static final Duration HEARTBEAT_TTL = Duration.ofSeconds(15);
  static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(5);

  /** How long keys outlive the idle timeout: sweeps run every second or so, this is plenty. */
  static final Duration KEY_GRACE = Duration.ofMinutes(5);

  final RedisStore store;
  final RedisKeys keys;
  final Clock clock;
  final String instanceId;
  final long keyTtlMs;
  final boolean indexInScripts;
  final InstanceHeartbeat heartbeat;
  private final PresenceSweep sweeper;

  /**
   * {@code idleTimeout} must be the one sweeps are given. {@code indexInScripts} is false on a
   * cluster, where the presence index is in another slot than the session's hashes.
   */
  RedisPresenceRegistry(
      RedisStore store,
      Clock clock,
      String instanceId,
      Duration idleTimeout,
      InstanceHeartbeat heartbeat,
      boolean indexInScripts) {
    if (instanceId.isEmpty() || instanceId.contains("|")) {
      throw new IllegalArgumentException("instance id must be non-empty without '|'");
    }
    this.store = store;
    this.keys = store.keys();
    this.clock = clock;
    this.instanceId = instanceId;
    this.keyTtlMs = idleTimeout.plus(KEY_GRACE).toMillis();
    this.indexInScripts = indexInScripts;
    this.heartbeat = heartbeat;
    this.sweeper = new PresenceSweep(this);
  }

  @Override
  public Future<Change> join(String session, String clientId, String name, Role role, Via via) {
    return heartbeat
        .alive()
        .compose(
            v ->
                run(
                    session,
                    clock.millis(),
                    "join",
                    clientId,
                    store.cipher().seal(name),
                    role.wire(),
                    via.wire()))
        .map(r -> PresenceReplies.change(session, clientId, r, null, store.cipher()));
  }

  @Override
  public Future<Change> leave(String session, String clientId, String reason) {
    return run(session, clock.millis(), "leave", clientId)
        .map(r -> PresenceReplies.change(session, clientId, r, reason, store.cipher()));
  }

  @Override
  public Future<Change> remove(String session, String clientId, String reason) {
    return run(session, clock.millis(), "remove", clientId)
        .map(r -> PresenceReplies.change(session, clientId, r, reason, store.cipher()));
  }

  @Override
  public Future<Change> touch(String session, String clientId) {
    return run(session, clock.millis(), "touch", clientId)
        .map(r -> PresenceReplies.change(session, clientId, r, null, store.cipher()));
  }

  @Override
  public Future<Counts> counts(String session) {
    return members(session).map(PresenceReplies::counts);
  }

  @Override
  public Future<List<Member>> members(String session) {
    return store
        .send(Command.HGETALL, keys.presence(session))
        .map(
            r -> {
              List<Member> out = new ArrayList<>();
              if (r != null) {
                for (String clientId : r.getKeys()) {
                  out.add(
                      PresenceReplies.member(clientId, r.get(clientId).toString(), store.cipher()));
                }
              }
              out.sort(Comparator.comparing(Member::joinedAt).thenComparing(Member::clientId));
              return out;
            });
  }

  @Override
  public Future<List<Change>> sweep(Duration idleAfter, Duration idleTimeout) {
    return sweeper.sweep(idleAfter, idleTimeout);
  }

  @Override
  public Future<Void> drop(String session) {
    return run(session, clock.millis(), "drop").mapEmpty();
  }

  /** Stops the heartbeat and deletes its key; joins fail from then on. */
  @Override
  public Future<Void> close() {
    return heartbeat.close();
  }

  /** One call of the script; on a cluster the index is updated by a command after it. */
  Future<Response> run(String session, long now, String op, String... opArgs) {
    List<String> scriptKeys = new ArrayList<>(3);
    scriptKeys.add(keys.presence(session));
    scriptKeys.add(keys.presenceConnections(session));
    if (indexInScripts) {
      scriptKeys.add(keys.presenceSessions());
    }
    List<String> args = new ArrayList<>(5 + opArgs.length);
    args.addAll(List.of(op, session, Long.toString(now), Long.toString(keyTtlMs), instanceId));
    args.addAll(List.of(opArgs));
    Future<Response> done = store.eval(SCRIPT, scriptKeys, args);
    if (indexInScripts || !(op.equals("join") || op.equals("touch"))) {
      return done;
    }
    // Only joins and touches raise a session's score; removals leave it to the sweep's prune.
    return done.compose(
        r ->
            r.size() < 2
                ? Future.succeededFuture(r)
                : store
                    .batch(
                        List.of(
                            Request.cmd(
                                Command.ZADD, keys.presenceSessions(), Long.toString(now), session),
                            Request.cmd(
                                Command.PEXPIRE, keys.presenceSessions(), Long.toString(keyTtlMs))))
                    .map(r));
  }
}
