package dev.marquee.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.Eventually;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, fault 1: {@code kill -9} of one of two instances under a steady load. Its clients
 * reconnect to the other with {@code lastSeq} and miss and duplicate nothing that was acknowledged;
 * every acknowledged message reaches PostgreSQL once; its members who do not come back leave
 * presence within the documented bound (15 s heartbeat plus one sweep).
 */
class InstanceKillFaultIT {

  @Test
  void clientsOfAKilledInstanceResumeOnTheOtherAndNothingAcknowledgedIsLost() throws Exception {
    try (FaultRig rig = FaultRig.start(2, Map.of("SESSION_SWEEP_INTERVAL_MS", "1000"));
        SteadyLoad load = new SteadyLoad(2, rig::port)) {
      List<String> codes = rig.sessionsUnder(load);
      // Members on the doomed instance who never come back: presence must let them go.
      List<WsClient> ghosts = new ArrayList<>();
      for (String code : codes) {
        WsClient ghost = WsClient.connect(rig.port(0));
        ghost.join(code, "display", "ghost");
        ghosts.add(ghost);
      }
      long onKilled = load.members().stream().filter(m -> m.instance() == 0).count();
      load.start(FaultLoad.PERIOD_MS);
      SteadyLoad.sleep(FaultLoad.before());

      load.phase("after kill");
      long killedAt = System.nanoTime();
      rig.server(0).kill9();
      SteadyLoad.sleep(FaultLoad.during());
      Verdict verdict = load.finish(Duration.ofSeconds(10));
      FaultReport.write("instance-kill", verdict.summary());

      assertThat(verdict.lost()).as("acknowledged but not delivered").isEmpty();
      assertThat(verdict.problems()).isEmpty();
      assertThat(verdict.acked()).isGreaterThan(FaultLoad.SESSIONS * 50);
      assertThat(verdict.reconnects().count())
          .as("every member of the killed instance came back")
          .isEqualTo((int) onKilled);
      assertThat(verdict.reconnects().percentileMs(99)).as("reconnect p99, ms").isLessThan(5_000);

      rig.awaitArchived(load, Duration.ofSeconds(20));
      for (String code : codes) {
        try {
          Eventually.until(
              Duration.ofSeconds(25),
              () -> !presentNames(rig, code).contains("ghost"),
              "the killed instance's members to leave presence");
        } catch (AssertionError e) {
          throw new AssertionError(
              e.getMessage() + ": " + presentNames(rig, code) + "; logs " + rig.logs(), e);
        }
      }
      double presenceGoneS = (System.nanoTime() - killedAt) / 1e9;
      FaultReport.write(
          "instance-kill-presence",
          String.format("ghosts gone %.1f s after the kill", presenceGoneS));
      ghosts.forEach(WsClient::close);
    }
  }

  private static List<String> presentNames(FaultRig rig, String code) {
    try {
      JsonObject users =
          new JsonObject(
              java.net.http.HttpClient.newHttpClient()
                  .send(
                      java.net.http.HttpRequest.newBuilder(
                              java.net.URI.create(
                                  "http://127.0.0.1:"
                                      + rig.port(1)
                                      + "/api/session/"
                                      + code
                                      + "/presence/users"))
                          .build(),
                      java.net.http.HttpResponse.BodyHandlers.ofString())
                  .body());
      return users.getJsonArray("users").stream()
          .map(u -> ((JsonObject) u).getString("name"))
          .toList();
    } catch (Exception e) {
      return List.of("ghost", e.toString());
    }
  }
}
