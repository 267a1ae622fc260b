package dev.marquee.presence;

import static dev.marquee.presence.PresenceRegistry.Change.Kind.JOIN;
import static dev.marquee.presence.PresenceRegistry.Change.Kind.LEAVE;
import static dev.marquee.presence.PresenceRegistry.Change.Kind.NONE;
import static dev.marquee.presence.PresenceRegistry.Via.HTTP;
import static dev.marquee.presence.PresenceRegistry.Via.WS;
import static dev.marquee.testing.Await.await;
import static dev.marquee.testing.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.presence.PresenceRegistry.Change;
import dev.marquee.presence.PresenceRegistry.Counts;
import dev.marquee.store.RedisStore;
import dev.marquee.testing.Eventually;
import dev.marquee.testing.Race;
import dev.marquee.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract on the machine's Redis, plus several instances sharing it. */
class RedisPresenceRegistryTest extends PresenceRegistryContract {
  final List<Vertx> vertxes = new ArrayList<>();
  final List<RedisStore> stores = new ArrayList<>();
  final List<PresenceRegistry> instances = new ArrayList<>();
  RedisStore redis;

  /** False runs every test the way a cluster does: index commands beside the script. */
  boolean indexInScripts() {
    return true;
  }

  @Override
  protected PresenceRegistry create(Clock clock) {
    redis = store(TestRedis.uniquePrefix());
    return instance("i-1", redis, RedisPresenceRegistry.HEARTBEAT_TTL);
  }

  /** A Redis client of its own, as another process would have, on the given prefix. */
  RedisStore store(String prefix) {
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    RedisStore store = TestRedis.store(vertx, prefix);
    stores.add(store);
    return store;
  }

  PresenceRegistry instance(String id) {
    return instance(id, store(redis.keys().prefix()), RedisPresenceRegistry.HEARTBEAT_TTL);
  }

  PresenceRegistry instance(String id, RedisStore on, Duration heartbeatTtl) {
    InstanceHeartbeat heartbeat =
        new InstanceHeartbeat(on, id, heartbeatTtl, heartbeatTtl.dividedBy(3));
    PresenceRegistry registry =
        new RedisPresenceRegistry(on, clock, id, IDLE_TIMEOUT, heartbeat, indexInScripts());
    await(heartbeat.start());
    instances.add(registry);
    return registry;
  }

  @AfterEach
  void cleanUp() {
    instances.forEach(r -> await(r.close().otherwiseEmpty()));
    if (redis != null) {
      TestRedis.clean(redis);
    }
    stores.forEach(s -> await(s.close().otherwiseEmpty()));
    vertxes.forEach(v -> await(v.close()));
  }

  Change join(PresenceRegistry on, String clientId, Role role) {
    return await(on.join("AAAAAA", clientId, "name " + clientId, role, WS));
  }

  Change leave(PresenceRegistry on, String clientId) {
    return await(on.leave("AAAAAA", clientId, "closed"));
  }

  boolean exists(String key) {
    return await(redis.send(Command.EXISTS, key)).toLong() == 1L;
  }

  @Test
  void instancesSeeTheSameMembersAndCounts() {
    PresenceRegistry other = instance("i-2");
    join(presence, "c-1", Role.CONTROLLER);
    join(other, "d-1", Role.DISPLAY);

    Change again = join(other, "c-1", Role.CONTROLLER);

    assertThat(again.kind()).isEqualTo(NONE);
    assertThat(again.counts()).isEqualTo(new Counts(1, 1, 0));
    assertThat(await(other.counts("AAAAAA"))).isEqualTo(new Counts(1, 1, 0));
    assertThat(await(other.members("AAAAAA")))
        .isEqualTo(await(presence.members("AAAAAA")))
        .hasSize(2);
  }

  @Test
  void memberWithASocketOnEachInstanceLeavesWhenBothClose() {
    PresenceRegistry other = instance("i-2");
    assertThat(join(presence, "c-1", Role.CONTROLLER).kind()).isEqualTo(JOIN);
    assertThat(join(other, "c-1", Role.CONTROLLER).kind()).isEqualTo(NONE);

    assertThat(leave(presence, "c-1").kind()).isEqualTo(NONE);
    assertThat(await(other.counts("AAAAAA"))).isEqualTo(new Counts(1, 0, 0));
    Change last = leave(other, "c-1");

    assertThat(last.kind()).isEqualTo(LEAVE);
    assertThat(last.counts()).isEqualTo(Counts.EMPTY);
    assertThat(await(presence.members("AAAAAA"))).isEmpty();
  }

  @Test
  void leaveOnAnInstanceHoldingNoSocketOfAWebSocketMemberKeepsIt() {
    PresenceRegistry other = instance("i-2");
    join(presence, "c-1", Role.CONTROLLER);

    assertThat(leave(other, "c-1").kind()).isEqualTo(NONE);
    assertThat(leave(presence, "c-1").kind()).isEqualTo(LEAVE);
  }

  @Test
  void concurrentJoinsAndLeavesOnTwoInstancesJoinAndLeaveOnce() {
    List<PresenceRegistry> both = List.of(presence, instance("i-2"));

    List<Change> joins = Race.run(8, i -> join(both.get(i % 2), "c-1", Role.CONTROLLER));
    List<Change> leaves = Race.run(8, i -> leave(both.get(i % 2), "c-1"));

    assertThat(joins).extracting(Change::kind).containsOnlyOnce(JOIN);
    assertThat(leaves).extracting(Change::kind).containsOnlyOnce(LEAVE);
    assertThat(await(presence.counts("AAAAAA"))).isEqualTo(Counts.EMPTY);
  }

  @Test
  void membersOfAKilledInstanceLeaveOnceAtTheNextSweepAfterItsHeartbeatExpires() {
    Vertx doomed = Vertx.vertx();
    PresenceRegistry killed =
        instance("i-2", TestRedis.store(doomed, redis.keys().prefix()), Duration.ofMillis(600));
    instances.remove(killed);
    PresenceRegistry third = instance("i-3");
    join(killed, "c-1", Role.CONTROLLER);
    join(killed, "d-1", Role.DISPLAY);
    join(killed, "both", Role.DISPLAY);
    join(presence, "both", Role.DISPLAY);
    join(presence, "d-2", Role.DISPLAY);
    await(killed.join("AAAAAA", "poller", "Poller", Role.DISPLAY, HTTP));
    await(killed.join("BBBBBB", "c-9", "Elsewhere", Role.CONTROLLER, WS));

    // The process dies: its timers stop, nothing is cleaned up, the key runs out.
    await(doomed.close());
    Eventually.until(
        Duration.ofSeconds(5),
        () -> !exists(redis.keys().instance("i-2")),
        "the killed instance's heartbeat to expire");
    List<PresenceRegistry> sweepers = List.of(presence, third);
    List<Change> changes =
        Race.run(2, i -> await(sweepers.get(i).sweep(IDLE_AFTER, IDLE_TIMEOUT))).stream()
            .flatMap(List::stream)
            .toList();

    assertThat(changes).allSatisfy(c -> assertThat(c.kind()).isEqualTo(LEAVE));
    assertThat(changes)
        .extracting(c -> c.member().clientId())
        .containsExactlyInAnyOrder("c-1", "d-1", "c-9");
    assertThat(changes).allSatisfy(c -> assertThat(c.reason()).isEqualTo("lost"));
    assertThat(await(presence.members("AAAAAA")))
        .extracting(PresenceRegistry.Member::clientId)
        .containsExactlyInAnyOrder("both", "d-2", "poller");
    assertThat(await(presence.counts("BBBBBB"))).isEqualTo(Counts.EMPTY);
    assertThat(await(presence.sweep(IDLE_AFTER, IDLE_TIMEOUT))).isEmpty();
    assertThat(leave(presence, "both").kind()).isEqualTo(LEAVE);
  }

  @Test
  void concurrentSweepsOnTwoInstancesReportEachIdleAndTimeoutOnce() {
    List<PresenceRegistry> both = List.of(presence, instance("i-2"));
    join(presence, "c-1", Role.CONTROLLER);
    join(both.get(1), "d-1", Role.DISPLAY);
    clock.advance(IDLE_AFTER);

    List<Change> idled =
        Race.run(2, i -> await(both.get(i).sweep(IDLE_AFTER, IDLE_TIMEOUT))).stream()
            .flatMap(List::stream)
            .toList();
    clock.advance(IDLE_TIMEOUT);
    List<Change> removed =
        Race.run(2, i -> await(both.get(i).sweep(IDLE_AFTER, IDLE_TIMEOUT))).stream()
            .flatMap(List::stream)
            .toList();

    assertThat(idled)
        .extracting(c -> c.member().clientId())
        .containsExactlyInAnyOrder("c-1", "d-1");
    assertThat(removed)
        .extracting(c -> c.member().clientId())
        .containsExactlyInAnyOrder("c-1", "d-1");
    assertThat(removed).allSatisfy(c -> assertThat(c.reason()).isEqualTo("idle"));
  }

  @Test
  void closingAnInstanceDeletesItsHeartbeatSoOthersDropItsSocketsAtOnce() {
    PresenceRegistry closing = instance("i-2");
    join(closing, "c-1", Role.CONTROLLER);

    await(closing.close());

    assertThat(exists(redis.keys().instance("i-2"))).isFalse();
    assertThat(await(presence.sweep(IDLE_AFTER, IDLE_TIMEOUT)))
        .singleElement()
        .satisfies(c -> assertThat(c.kind()).isEqualTo(LEAVE));
    assertThat(awaitFailure(closing.join("AAAAAA", "c-2", "x", Role.DISPLAY, WS)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void membersAndSocketsAreStoredAsDocumented() {
    Change joined = await(presence.join("AAAAAA", "a|b", "Ünï \"x\"", Role.CONTROLLER, WS));
    join(presence, "a|b", Role.CONTROLLER);

    JsonObject stored =
        new JsonObject(
            await(redis.send(Command.HGET, redis.keys().presence("AAAAAA"), "a|b")).toString());
    assertThat(stored.fieldNames())
        .containsExactlyInAnyOrder("name", "role", "joinedAt", "lastActiveAt", "idle", "via");
    assertThat(stored.getLong("joinedAt")).isEqualTo(joined.member().joinedAt().toEpochMilli());
    assertThat(stored.getString("role")).isEqualTo("controller");
    assertThat(stored.getString("via")).isEqualTo("ws");
    assertThat(
            await(redis.send(Command.HGET, redis.keys().presenceConnections("AAAAAA"), "a|b|i-1"))
                .toString())
        .isEqualTo("2");
  }

  @Test
  void everyKeyExpires() {
    PresenceRegistry other = instance("i-2");
    join(presence, "c-1", Role.CONTROLLER);
    join(other, "c-1", Role.CONTROLLER);
    await(other.join("BBBBBB", "d-1", "Poller", Role.DISPLAY, HTTP));
    await(other.touch("BBBBBB", "d-1"));
    clock.advance(IDLE_AFTER);
    await(presence.sweep(IDLE_AFTER, IDLE_TIMEOUT));

    Response keys = await(redis.send(Command.KEYS, redis.keys().all()));
    List<String> names = new ArrayList<>();
    keys.forEach(k -> names.add(k.toString()));
    assertThat(names)
        .contains(
            redis.keys().presence("AAAAAA"),
            redis.keys().presenceConnections("AAAAAA"),
            redis.keys().presence("BBBBBB"),
            redis.keys().presenceSessions(),
            redis.keys().instance("i-1"),
            redis.keys().instance("i-2"));
    long keyTtl = IDLE_TIMEOUT.plus(RedisPresenceRegistry.KEY_GRACE).toMillis();
    for (String name : names) {
      long pttl = await(redis.send(Command.PTTL, name)).toLong();
      long max = name.contains(":instance:") ? 15_000 : keyTtl;
      assertThat(pttl).as(name).isPositive().isLessThanOrEqualTo(max);
    }
  }

  @Test
  void aLeftSessionLeavesTheIndexAndTheIndexIsPrunedOfExpiredSessions() {
    join(presence, "c-1", Role.CONTROLLER);
    await(presence.join("BBBBBB", "d-1", "Poller", Role.DISPLAY, HTTP));
    leave(presence, "c-1");
    await(redis.send(Command.DEL, redis.keys().presence("BBBBBB")));

    clock.advance(IDLE_TIMEOUT.plus(RedisPresenceRegistry.KEY_GRACE));
    await(presence.sweep(IDLE_AFTER, IDLE_TIMEOUT));

    assertThat(exists(redis.keys().presenceSessions())).isFalse();
  }

  @Test
  void theFactoryStartsTheHeartbeatAndCloseStopsIt() {
    PresenceRegistry made = PresenceRegistry.redis(redis, clock, "i-9", IDLE_TIMEOUT);
    instances.add(made);

    assertThat(await(made.join("AAAAAA", "c-1", "x", Role.CONTROLLER, WS)).kind()).isEqualTo(JOIN);
    assertThat(exists(redis.keys().instance("i-9"))).isTrue();
    await(made.close());
    assertThat(exists(redis.keys().instance("i-9"))).isFalse();
  }
}
