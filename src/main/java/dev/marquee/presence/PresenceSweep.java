package dev.marquee.presence;

import dev.marquee.presence.PresenceRegistry.Change;
import dev.marquee.store.RedisGroups;
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
              List<String> sessions = new ArrayList<>(codes.size());
              codes.forEach(code -> sessions.add(code.toString()));
              return RedisGroups.inGroups(
                      sessions,
                      RedisGroups.SIZE,
                      group ->
                          RedisGroups.all(
                              group,
                              session ->
                                  registry.run(
                                      session,
                                      now,
                                      "sweep",
                                      Long.toString(idleAfter.toMillis()),
                                      Long.toString(idleTimeout.toMillis()))))
                  .compose(swept -> reap(sessions, swept, now));
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
  private Future<List<Change>> reap(List<String> sessions, List<Response> swept, long now) {
    List<Change> changes = new ArrayList<>();
    Map<String, List<String>> holders = new LinkedHashMap<>();
    Set<String> others = new HashSet<>();
    for (int i = 0; i < sessions.size(); i++) {
      changes.addAll(
          PresenceReplies.changes(sessions.get(i), swept.get(i), registry.store.cipher()));
      List<String> ids = PresenceReplies.holders(swept.get(i));
      holders.put(sessions.get(i), ids);
      others.addAll(ids);
    }
    // This instance is running whatever its key says; another may have dropped its sockets.
    others.remove(registry.instanceId);
    return dead(others)
        .compose(
            dead -> {
              List<String> affected = new ArrayList<>();
              holders.forEach(
                  (session, ids) -> {
                    if (ids.stream().anyMatch(dead::contains)) {
                      affected.add(session);
                    }
                  });
              return RedisGroups.inGroups(
                      affected,
                      RedisGroups.SIZE,
                      group ->
                          RedisGroups.all(
                              group,
                              session ->
                                  registry.run(
                                      session,
                                      now,
                                      "reap",
                                      holders.get(session).stream()
                                          .filter(dead::contains)
                                          .toArray(String[]::new))))
                  .map(
                      reaped -> {
                        for (int i = 0; i < reaped.size(); i++) {
                          changes.addAll(
                              PresenceReplies.changes(
                                  affected.get(i), reaped.get(i), registry.store.cipher()));
                        }
                        return changes;
                      });
            });
  }

  /** Those of {@code ids} whose heartbeat key is gone. */
  private Future<Set<String>> dead(Set<String> ids) {
    List<String> order = new ArrayList<>(ids);
    return RedisGroups.all(
            order, id -> registry.store.send(Command.EXISTS, registry.keys.instance(id)))
        .map(
            exists -> {
              Set<String> dead = new HashSet<>();
              for (int i = 0; i < order.size(); i++) {
                if (exists.get(i).toLong() == 0L) {
                  dead.add(order.get(i));
                }
              }
              return dead;
            });
  }
}
