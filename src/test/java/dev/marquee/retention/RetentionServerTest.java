package dev.marquee.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.Eventually;
import dev.marquee.testing.MutableClock;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * HISTORY_RETENTION on whole servers, on the machine's PostgreSQL and on the embedded one: the
 * server sweeps on its own, with its clock moved by hand. The sweep's rules are in {@link
 * RetentionTest}.
 */
class RetentionServerTest {
  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void aServerOnTheMachinesPostgresSweepsOnItsOwn() {
    serverSweepsOnItsOwn(Map.of());
  }

  @Test
  void aServerOnTheEmbeddedPostgresSweepsOnItsOwn() {
    serverSweepsOnItsOwn(Map.of("EMBEDDED", "true"));
  }

  /**
   * One hour of retention: an ended session's history is readable until then, and gone (its code
   * unknown) once the clock passes it; a live session's history stays.
   */
  private static void serverSweepsOnItsOwn(Map<String, String> database) {
    MutableClock clock = new MutableClock(Instant.now());
    Map<String, String> env = new HashMap<>(database);
    env.put("HISTORY_RETENTION", "3600000");
    env.put("RETENTION_SWEEP_INTERVAL_MS", "20");
    env.put("RATE_LIMIT_HTTP_PER_IP", "1000000");
    env.put("INACTIVITY_TIMEOUT", Long.toString(10 * DAY.toMillis()));
    env.put("INACTIVITY_WARNING_THRESHOLD", Long.toString(9 * DAY.toMillis()));
    try (TestServer server = TestServer.start(env, clock)) {
      JsonObject ended = server.createSession();
      String endedCode = ended.getString("code");
      String liveCode = server.createSession().getString("code");
      sendThree(server, endedCode);
      sendThree(server, liveCode);
      assertThat(
              server
                  .delete("/api/session/" + endedCode, ended.getString("ownerToken"))
                  .statusCode())
          .isEqualTo(200);

      clock.advance(Duration.ofMinutes(59));
      assertThat(total(server, endedCode)).isEqualTo(3);

      clock.advance(Duration.ofMinutes(2));
      Eventually.until(
          WAIT,
          () -> server.get("/api/session/" + endedCode).statusCode() == 404,
          "the ended session removed");
      assertThat(server.get("/api/session/" + endedCode + "/history").statusCode()).isEqualTo(404);
      assertThat(total(server, liveCode)).isEqualTo(3);
      assertThat(server.get("/metrics").body())
          .contains("marquee_retention_removed_total{table=\"messages\"} 3.0")
          .contains("marquee_retention_removed_total{table=\"sessions\"} 1.0");
    }
  }

  private static void sendThree(TestServer server, String code) {
    try (WsClient controller = server.ws()) {
      controller.join(code, "controller", "Ana");
      for (int i = 1; i <= 3; i++) {
        controller.send(new JsonObject().put("type", "send").put("text", "m" + i));
        assertThat(controller.next("ack").getLong("seq")).isEqualTo(i);
      }
    }
  }

  private static long total(TestServer server, String code) {
    return new JsonObject(server.get("/api/session/" + code + "/history").body()).getLong("total");
  }
}
