package dev.marquee.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.Eventually;
import dev.marquee.testing.MutableClock;
import dev.marquee.testing.TestPostgres;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What happens in a session reaches {@code analytics_events}, every type with its detail, without
 * text, names or addresses.
 */
class AnalyticsEventsTest {

  @Test
  void aSessionsLifeIsRecorded() {
    try (TestServer server = TestServer.start(Map.of("RATE_LIMIT_MAX_REQUESTS", "1"))) {
      JsonObject created = server.createSession();
      String code = created.getString("code");
      try (WsClient display = server.ws();
          WsClient controller = server.ws()) {
        display.join(code, "display", "TV");
        controller.join(code, "controller", "Alice Secretname");
        controller.send(new JsonObject().put("type", "send").put("text", "private words"));
        controller.next("ack");
        controller.send(new JsonObject().put("type", "send").put("text", "more private words"));
        assertThat(controller.next("error").getString("code")).isEqualTo("rate_limited");
        controller.send(new JsonObject().put("type", "leave"));
        controller.awaitClose();
        server.delete("/api/session/" + code, created.getString("ownerToken"));
        display.awaitClose();
      }
      // Members still present when a session ends are not recorded as leaving one by one.
      List<String> rows = awaitRows(server, code, 8);
      assertThat(rows)
          .containsExactly(
              "session_created {}",
              "member_joined {\"role\": \"display\"}",
              "member_joined {\"role\": \"controller\"}",
              "message_sent {}",
              "rate_limited {\"kind\": \"controller\"}",
              "message_refused {\"reason\": \"rate_limited\"}",
              "member_left {\"role\": \"controller\", \"reason\": \"left\"}",
              "session_ended {\"reason\": \"closed\", \"durationMs\": DURATION}");
      assertThat(String.join("\n", rows)).doesNotContain("private").doesNotContain("Secretname");
    }
  }

  /**
   * Every type with the detail it is recorded with: refusals by reason, rejoins recovered or not,
   * members over HTTP, a second socket of a member present (no second arrival), removal as idle.
   */
  @Test
  void everyTypeIsRecordedWithItsDetail() {
    MutableClock clock = new MutableClock(Instant.now());
    Map<String, String> env =
        Map.of(
            "INACTIVITY_TIMEOUT", "864000000",
            "INACTIVITY_WARNING_THRESHOLD", "777600000",
            "SESSION_SWEEP_INTERVAL_MS", "50",
            "RATE_LIMIT_HTTP_PER_IP", "20");
    try (TestServer server = TestServer.start(env, clock)) {
      JsonObject created = server.createSession();
      String code = created.getString("code");
      String presence = "/api/session/" + code + "/presence/";
      try (WsClient display = server.ws();
          WsClient phone = server.ws();
          WsClient phoneAgain = server.ws();
          WsClient other = server.ws()) {
        display.join(code, "display", "TV");
        display.send(send("displays may not send"));
        assertThat(display.next("error").getString("code")).isEqualTo("forbidden");
        phone.join(
            new JsonObject()
                .put("session", code)
                .put("role", "controller")
                .put("clientId", "phone-1"));
        phone.send(send("hello"));
        phone.next("ack");
        phone.send(send("x".repeat(2001)));
        assertThat(phone.next("error").getString("code")).isEqualTo("too_large");
        phone.send(send("   "));
        assertThat(phone.next("error").getString("code")).isEqualTo("bad_request");

        JsonObject rejoin =
            new JsonObject()
                .put("session", code)
                .put("role", "controller")
                .put("clientId", "phone-1")
                .put("lastSeq", 1)
                .put("epoch", created.getString("epoch"));
        assertThat(phoneAgain.join(rejoin).getBoolean("recovered")).isTrue();
        JsonObject stale = rejoin.copy().put("clientId", "phone-2").put("epoch", "not-the-epoch");
        assertThat(other.join(stale).getBoolean("recovered")).isFalse();

        String poller = "{\"clientId\":\"poll-1\",\"name\":\"Poll\",\"role\":\"display\"}";
        assertThat(server.post(presence + "join", poller).statusCode()).isEqualTo(200);
        assertThat(server.post(presence + "join", poller).statusCode()).isEqualTo(200);
        assertThat(server.post(presence + "leave", "{\"clientId\":\"poll-1\"}").statusCode())
            .isEqualTo(200);

        other.send(new JsonObject().put("type", "leave"));
        other.awaitClose();
        phoneAgain.send(new JsonObject().put("type", "leave"));
        phoneAgain.awaitClose();
        phone.send(new JsonObject().put("type", "leave"));
        phone.awaitClose();

        clock.advance(Duration.ofMinutes(31));
        assertThat(display.awaitClose()).isEqualTo(1000);
      }
      awaitRows(server, code, 15);
      assertThat(
              server.delete("/api/session/" + code, created.getString("ownerToken")).statusCode())
          .isEqualTo(200);
      int status = 0;
      for (int i = 0; i < 25 && status != 429; i++) {
        status = server.get("/api/session/" + code).statusCode();
      }
      assertThat(status).isEqualTo(429);

      assertThat(awaitRows(server, code, 16))
          .containsExactly(
              "session_created {}",
              "member_joined {\"role\": \"display\"}",
              "message_refused {\"reason\": \"forbidden\"}",
              "member_joined {\"role\": \"controller\"}",
              "message_sent {}",
              "message_refused {\"reason\": \"too_large\"}",
              "message_refused {\"reason\": \"bad_request\"}",
              "rejoined {\"recovered\": true}",
              "member_joined {\"role\": \"controller\"}",
              "rejoined {\"recovered\": false}",
              "member_joined {\"role\": \"display\"}",
              "member_left {\"role\": \"display\", \"reason\": \"left\"}",
              "member_left {\"role\": \"controller\", \"reason\": \"left\"}",
              "member_left {\"role\": \"controller\", \"reason\": \"left\"}",
              "member_left {\"role\": \"display\", \"reason\": \"idle\"}",
              "session_ended {\"reason\": \"closed\", \"durationMs\": DURATION}");
      List<String> unattached = awaitRows(server, null, 1);
      assertThat(unattached).containsOnly("rate_limited {\"kind\": \"http\"}");
    }
  }

  private static JsonObject send(String text) {
    return new JsonObject().put("type", "send").put("text", text);
  }

  private static List<String> awaitRows(TestServer server, String code, int count) {
    List<List<String>> seen = new ArrayList<>(List.of(List.of()));
    Eventually.until(
        Duration.ofSeconds(10),
        () -> {
          seen.set(0, rows(server, code));
          return seen.get(0).size() >= count;
        },
        count + " analytics rows");
    return seen.get(0);
  }

  private static List<String> rows(TestServer server, String code) {
    List<String> rows = new ArrayList<>();
    try (Connection c = TestPostgres.connect(server.database());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT type, data::text FROM analytics_events WHERE session_code "
                    + (code == null ? "IS NULL" : "= '" + code + "'")
                    + " ORDER BY id")) {
      while (rs.next()) {
        rows.add(
            rs.getString(1)
                + " "
                + rs.getString(2).replaceAll("\"durationMs\": \\d+", "\"durationMs\": DURATION"));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return rows;
  }
}
