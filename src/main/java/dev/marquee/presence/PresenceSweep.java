package dev.marquee.presence;

import dev.marquee.presence.PresenceRegistry.Change;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Redis registry's sweep, over every session in the presence index {@code P:presence:sessions}:
 * first idle marking and removal per session, then dropping the sockets of instances whose
 * heartbeat key is gone. Each step is one script call per session, so when several instances sweep
 * at once every member is marked, removed or dropped once, and only the instance whose call did it
 * reports the change.
 *
 * <p>The index is kept instead of walking {@code P:sessions:live} so that presence does not depend
 * on the session store (nor on its hashes being in the same slot). Its score is the session's last
 * join or touch; entries older than the key TTL are pruned after each sweep (their keys have
 * expired by then, and any member in them was removed as idle first), and the index itself expires
 * that long after the last change anywhere.
 */
final class PresenceSweep {
  private final RedisPresenceRegistry registry;

  PresenceSweep(RedisPresenceRegistry registry) {
    this.registry = registry;
  }

  Future<List<Change>> sweep(Duration idleAfter, Duration idleTimeout) {
    long now = registry.clock.millis();
    String index = registry.keys.presenceSessions();
    return registry
        .store
        .send(Command.ZRANGE, index, "0", "-1")
        .compose(
            codes -> {
              Map<String, Future<Response>> swept = new LinkedHashMap<>();
              for (Response code : codes) {
                String session = code.toString();
                swept.put(
                    session,
                    registry.run(
                        session,
                        now,
                        "sweep",
                        Long.toString(idleAfter.toMillis()),
                        Long.toString(idleTimeout.toMillis())));
              }
              return Future.all(new ArrayList<>(swept.values())).compose(v -> reap(swept, now));
            })
        .compose(
            changes ->
                registry
                    .store
                    .send(
                        Command.ZREMRANGEBYSCORE,
                        index,
                        "-inf",
                        Long.toString(now - registry.keyTtlMs))
                    .map(changes));
  }

  /** The sweep's changes, then those of dropping sockets of dead instances. */
  private Future<List<Change>> reap(Map<String, Future<Response>> swept, long now) {
    List<Change> changes = new ArrayList<>();
    Map<String, List<String>> holders = new LinkedHashMap<>();
    Set<String> others = new HashSet<>();
    swept.forEach(
        (session, done) -> {
          changes.addAll(PresenceReplies.changes(session, done.result()));
          List<String> ids = PresenceReplies.holders(done.result());
          holders.put(session, ids);
          others.addAll(ids);
        });
    // This instance is running whatever its key says; another may have dropped its sockets.
    others.remove(registry.instanceId);
    return dead(others)
        .compose(
            dead -> {
              if (dead.isEmpty()) {
                return Future.succeededFuture(changes);
              }
              List<Future<List<Change>>> reaped = new ArrayList<>();
              holders.forEach(
                  (session, ids) -> {
                    List<String> gone = ids.stream().filter(dead::contains).toList();
                    if (!gone.isEmpty()) {
                      reaped.add(
                          registry
                              .run(session, now, "reap", gone.toArray(String[]::new))
                              .map(r -> PresenceReplies.changes(session, r)));
                    }
                  });
              return Future.all(reaped)
                  .map(
                      all -> {
                        for (int i = 0; i < reaped.size(); i++) {
                          changes.addAll(all.<List<Change>>resultAt(i));
                        }
                        return changes;
                      });
            });
  }

  /** Those of {@code ids} whose heartbeat key is gone. */
  private Future<Set<String>> dead(Set<String> ids) {
    List<String> order = new ArrayList<>(ids);
    List<Future<Response>> checks = new ArrayList<>();
    for (String id : order) {
      checks.add(registry.store.send(Command.EXISTS, registry.keys.instance(id)));
    }
    return Future.all(checks)
        .map(
            all -> {
              Set<String> dead = new HashSet<>();
              for (int i = 0; i < order.size(); i++) {
                if (all.<Response>resultAt(i).toLong() == 0L) {
                  dead.add(order.get(i));
                }
              }
              return dead;
            });
  }
}
