package dev.marquee.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.Eventually;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, fault 3: PostgreSQL stopped under a steady load on two instances on Redis (CI: 10 s;
 * {@code FAULTS_PG_OUTAGE_MS=60000} for the documented minute). Live messaging goes on (nothing
 * refused, nothing lost; latency per phase is reported), both instances stay ready with their
 * {@code database} check DOWN, history answers 503 at once, and when the database is back the Redis
 * outbox drains into it: every acknowledged message stored once.
 */
class DatabaseFaultIT {

  @Test
  void livePathIgnoresADatabaseOutageAndTheOutboxDrainsAfterIt() throws Exception {
    long outageMs = FaultLoad.intEnv("FAULTS_PG_OUTAGE_MS", 10_000);
    try (FaultRig rig = FaultRig.start(2, Map.of());
        SteadyLoad load = new SteadyLoad(2, rig::port)) {
      List<String> codes = rig.sessionsUnder(load);
      load.start(FaultLoad.PERIOD_MS);
      SteadyLoad.sleep(FaultLoad.before());

      load.phase("database down");
      long cutAt = System.nanoTime();
      rig.database.cut();
      Eventually.until(
          Duration.ofSeconds(10),
          () -> databaseCheck(rig, 0).equals("DOWN") && databaseCheck(rig, 1).equals("DOWN"),
          "both instances to see the database down");
      LongSamples history = new LongSamples();
      for (int i = 0; i < 10; i++) {
        long start = System.nanoTime();
        HttpResponse<String> page =
            rig.server(i % 2).get("/api/session/" + codes.get(0) + "/history?limit=20");
        history.add(System.nanoTime() - start);
        assertThat(page.statusCode()).as("history while the database is down").isEqualTo(503);
      }
      for (int i = 0; i < rig.instances(); i++) {
        assertThat(rig.server(i).readyStatus())
            .as("still ready: live traffic needs no database")
            .isEqualTo(200);
      }
      SteadyLoad.sleep(Math.max(0, outageMs - (System.nanoTime() - cutAt) / 1_000_000));

      load.phase("database back");
      rig.database.restore();
      SteadyLoad.sleep(FaultLoad.before());
      Verdict verdict = load.finish(Duration.ofSeconds(10));

      double drainS = rig.awaitArchived(load, Duration.ofSeconds(30));
      FaultReport.write(
          "database-outage",
          verdict.summary()
              + String.format(
                  "%n  outage %d ms; history while down: %s; drained %.2f s after the load stopped",
                  outageMs, history, drainS));

      assertThat(verdict.lost()).as("acknowledged but not delivered").isEmpty();
      assertThat(verdict.problems()).isEmpty();
      assertThat(verdict.refused()).as("nothing refused: Redis holds the backlog").isEmpty();
      assertThat(verdict.reconnects().count()).as("no socket dropped").isZero();
      assertThat(verdict.latencies().get("database down").count()).isPositive();
    }
  }

  private static String databaseCheck(FaultRig rig, int instance) {
    try {
      JsonObject ready = new JsonObject(rig.server(instance).get("/health/ready").body());
      return ready.getJsonArray("checks").stream()
          .map(JsonObject.class::cast)
          .filter(c -> c.getString("id").equals("database"))
          .map(c -> c.getString("status"))
          .findFirst()
          .orElse("missing");
    } catch (Exception e) {
      return "unreachable";
    }
  }
}
