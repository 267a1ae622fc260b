package dev.marquee.presence;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key {@code P:instance:<id>} that says this instance is running: set with a TTL and refreshed
 * well inside it by a Vert.x timer. Other instances treat sockets held by an instance whose key is
 * gone as closed, which is how members of a killed instance leave.
 */
final class InstanceHeartbeat {
  private static final Logger log = LoggerFactory.getLogger(InstanceHeartbeat.class);

  private final RedisStore store;
  private final String id;
  private final String key;
  private final Duration ttl;
  private final Duration every;
  private final String startedAt = Long.toString(System.currentTimeMillis());
  private long timer = -1;
  private boolean beaten;
  private boolean closed;
  private Future<Void> last = Future.succeededFuture();

  InstanceHeartbeat(RedisStore store, String id, Duration ttl, Duration every) {
    this.store = store;
    this.id = id;
    this.key = store.keys().instance(id);
    this.ttl = ttl;
    this.every = every;
  }

  /** Starts the timer; the first beat is sent now. */
  synchronized Future<Void> start() {
    timer = store.vertx().setPeriodic(every.toMillis(), t -> beat());
    return beat();
  }

  /**
   * Succeeds once the key has been set at least once, so no socket is recorded for an instance that
   * others could not yet see as alive (they would count its sockets as closed).
   */
  synchronized Future<Void> alive() {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("presence registry closed"));
    }
    return beaten ? Future.succeededFuture() : beat();
  }

  private synchronized Future<Void> beat() {
    if (closed) {
      return last;
    }
    last =
        store
            .send(Command.SET, key, startedAt, "PX", Long.toString(ttl.toMillis()), "GET")
            .map(
                previous -> {
                  synchronized (this) {
                    if (previous == null && beaten) {
                      // Other instances may already have dropped this one's sockets as closed.
                      log.warn("instance heartbeat lapsed", kv("instance", id));
                    }
                    beaten = true;
                  }
                  return null;
                });
    last.onFailure(
        e ->
            log.warn(
                "instance heartbeat failed", kv("instance", id), kv("reason", e.getMessage())));
    return last;
  }

  /** Stops the timer and deletes the key after any beat in flight, so it cannot come back. */
  synchronized Future<Void> close() {
    if (closed) {
      return last;
    }
    closed = true;
    if (timer >= 0) {
      store.vertx().cancelTimer(timer);
    }
    last = last.otherwiseEmpty().compose(v -> store.send(Command.DEL, key)).mapEmpty();
    return last;
  }
}
