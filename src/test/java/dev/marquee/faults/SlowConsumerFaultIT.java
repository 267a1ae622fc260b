package dev.marquee.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.Eventually;
import dev.marquee.testing.RawWebSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, fault 4: under a steady load on two instances, a display that stops reading (at the TCP
 * level: it answers no ping and takes no bytes) is closed with 4001 within 10 s, while everyone
 * else, in its session and in the others, gets every message.
 */
class SlowConsumerFaultIT {

  @Test
  void aClientThatStopsReadingIsClosedWithin10SecondsAndNobodyElseNotices() throws Exception {
    try (FaultRig rig = FaultRig.start(2, Map.of());
        SteadyLoad load = new SteadyLoad(2, rig::port)) {
      List<String> codes = rig.sessionsUnder(load);
      load.start(FaultLoad.PERIOD_MS);
      SteadyLoad.sleep(FaultLoad.before());

      load.phase("one client stalled");
      try (RawWebSocket stuck = RawWebSocket.connect(rig.port(0))) {
        stuck.sendText(
            new JsonObject()
                .put("type", "join")
                .put("session", codes.get(0))
                .put("role", "display")
                .put("name", "Stuck TV")
                .encode());
        assertThat(new JsonObject(stuck.nextText()).getString("type")).isEqualTo("joined");
        long stalledAt = System.nanoTime();
        Eventually.until(
            Duration.ofSeconds(15),
            () -> slowConsumersClosed(rig) == 1,
            "the stalled display closed as a slow consumer");
        double closedAfterS = (System.nanoTime() - stalledAt) / 1e9;
        SteadyLoad.sleep(FaultLoad.during() / 2);
        Verdict verdict = load.finish(Duration.ofSeconds(10));
        FaultReport.write(
            "slow-consumer",
            verdict.summary()
                + String.format(
                    "%n  stalled display closed %.2f s after it stopped reading", closedAfterS));

        assertThat(stuck.awaitClose()).isEqualTo(4001);
        assertThat(closedAfterS).as("seconds until 4001").isLessThan(10);
        assertThat(verdict.lost()).isEmpty();
        assertThat(verdict.problems()).isEmpty();
        assertThat(verdict.reconnects().count()).as("no other socket dropped").isZero();
      }
    }
  }

  private static int slowConsumersClosed(FaultRig rig) {
    try {
      String metrics = rig.server(0).get("/metrics").body();
      return metrics
          .lines()
          .filter(l -> l.startsWith("marquee_sockets_slow_consumer_closed_total "))
          .mapToInt(l -> (int) Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
          .sum();
    } catch (Exception e) {
      return -1;
    }
  }
}
