package dev.marquee.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, fault 2: Redis killed under a steady load on two instances, then restarted, once with
 * its append-only file and once empty. While it is down both instances answer 503 on readiness and
 * refuse sends with {@code unavailable}, never half-applied (a send in flight when Redis died is
 * answered {@code unconfirmed}: it may have been stored); they recover without a restart. After an
 * empty restart the sessions come back from PostgreSQL under new epochs and every client is told to
 * rejoin and resync. No rate-limit key is left without a TTL.
 */
class RedisFaultIT {

  @Test
  void aRedisRestartWithItsAppendOnlyFileLosesNothingAcknowledged() throws Exception {
    try (FaultRig rig =
            FaultRig.start(2, Map.of(), "--appendonly", "yes", "--appendfsync", "always");
        SteadyLoad load = new SteadyLoad(2, rig::port)) {
      Verdict verdict = outage(rig, load, "redis-aof", true);
      assertThat(verdict.recoveredFalse()).as("epochs kept: every gap refilled").isZero();
    }
  }

  @Test
  void anEmptyRedisRestartChangesEpochsAndClientsResync() throws Exception {
    try (FaultRig rig = FaultRig.start(2, Map.of());
        SteadyLoad load = new SteadyLoad(2, rig::port)) {
      Verdict verdict = outage(rig, load, "redis-empty", false);
      assertThat(verdict.recoveredFalse())
          .as("every member rejoined under a new epoch and refetched")
          .isEqualTo(load.members().size());
    }
  }

  /**
   * Load, kill Redis, load, restart it, load; checks common to both restarts. Without persistence,
   * messages acknowledged before the kill but not yet archived are lost with Redis (documented:
   * docs/reliability.md); they are counted, must be few, and are the only ones allowed missing.
   */
  private static Verdict outage(FaultRig rig, SteadyLoad load, String name, boolean persistent)
      throws Exception {
    List<String> codes = rig.sessionsUnder(load);
    load.start(FaultLoad.PERIOD_MS);
    SteadyLoad.sleep(FaultLoad.before());

    load.phase("redis down");
    long killed = System.nanoTime();
    rig.redis.kill();
    for (int i = 0; i < rig.instances(); i++) {
      int instance = i;
      Eventually.until(
          Duration.ofSeconds(5),
          () -> rig.server(instance).readyStatus() == 503,
          "instance " + i + " unready while Redis is down");
    }
    double unreadyS = (System.nanoTime() - killed) / 1e9;
    SteadyLoad.sleep(FaultLoad.during() / 2);

    load.phase("after restart");
    long restarted = System.nanoTime();
    rig.redis.restart();
    for (int i = 0; i < rig.instances(); i++) {
      int instance = i;
      Eventually.until(
          Duration.ofSeconds(15),
          () -> rig.server(instance).readyStatus() == 200,
          "instance " + i + " ready again without a restart");
    }
    double readyS = (System.nanoTime() - restarted) / 1e9;
    long restartedAt = restarted;
    SteadyLoad.sleep(FaultLoad.during() / 2);
    Verdict verdict = load.finish(Duration.ofSeconds(10));
    Map<String, Map<Long, Long>> ackTimes = Verdict.ackTimesBySession(load.members());
    rig.awaitArchived(
        load,
        Duration.ofSeconds(15),
        (code, k) -> persistent || ackTimes.get(code).get(k) > restartedAt);
    // What Redis took with it: acknowledged before the kill, never archived.
    List<String> lostWithRedis = new ArrayList<>();
    Verdict.ackedBySession(load.members())
        .forEach(
            (code, kToSeq) -> {
              Map<Long, Long> stored = rig.stored(code);
              kToSeq.forEach(
                  (k, seq) -> {
                    if (!k.equals(stored.get(seq))) {
                      lostWithRedis.add(code + ": message " + k + " (seq " + seq + ")");
                    }
                  });
            });
    FaultReport.write(
        name,
        verdict.summary()
            + String.format(
                "%n  unready %.2f s after the kill; ready %.2f s after the restart;"
                    + " acknowledged but lost with Redis: %d",
                unreadyS, readyS, lostWithRedis.size()));

    if (persistent) {
      assertThat(lostWithRedis).isEmpty();
      assertThat(verdict.lost()).as("acknowledged but not delivered").isEmpty();
    } else {
      assertThat(lostWithRedis.size())
          .as("lost with Redis: at most a second of the load's messages")
          .isLessThanOrEqualTo(FaultLoad.SESSIONS * (int) (1000 / FaultLoad.PERIOD_MS));
      assertThat(verdict.lost())
          .as("only messages Redis took with it are missing")
          .allSatisfy(
              missing ->
                  assertThat(lostWithRedis)
                      .contains(missing.substring(0, 6) + missing.substring(missing.indexOf(':'))));
    }
    assertThat(verdict.problems()).as("gaps, duplicates, half-applied refusals").isEmpty();
    assertThat(verdict.refused()).as("sends while Redis was down").containsKey("unavailable");
    assertThat(verdict.refused().keySet()).isSubsetOf("unavailable", "unconfirmed");
    // Sends Redis may have run before dying, their replies lost: told so, never refused. Each
    // controller has one send in flight at most (the intake takes a socket's sends in order).
    assertThat(verdict.refused().getOrDefault("unconfirmed", 0))
        .as("unconfirmed: the sends in flight when Redis died")
        .isLessThanOrEqualTo(FaultLoad.SESSIONS);
    assertThat(verdict.acked()).isGreaterThan(FaultLoad.SESSIONS * 20);

    Map<String, java.util.Set<Long>> refused = Verdict.refusedBySession(load.members());
    for (String code : codes) {
      assertThat(rig.stored(code).values())
          .as("refused messages of " + code + " stored")
          .doesNotContainAnyElementsOf(refused.get(code));
    }
    assertThat(keysWithoutTtl(rig)).as("rate-limit keys without a TTL").isEmpty();
    return verdict;
  }

  /** Rate-limit keys that would live for ever; the refusal counters are meant to. */
  private static List<String> keysWithoutTtl(FaultRig rig) throws Exception {
    List<String> out = new ArrayList<>();
    List<String> keys = rig.redisCli("--scan", "--pattern", rig.prefix + ":rl:*");
    assertThat(keys).as("the load left rate-limit keys to check").isNotEmpty();
    for (String key : keys) {
      if (!key.equals(rig.prefix + ":rl:stats") && rig.redisCli("TTL", key).equals(List.of("-1"))) {
        out.add(key);
      }
    }
    return out;
  }
}
