package dev.marquee.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.Eventually;
import dev.marquee.testing.TestPostgres;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What happens in a session reaches {@code analytics_events}, without text, names or addresses. */
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
                "SELECT type, data::text FROM analytics_events WHERE session_code = '"
                    + code
                    + "' ORDER BY id")) {
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
