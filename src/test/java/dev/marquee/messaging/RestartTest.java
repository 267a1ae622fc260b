package dev.marquee.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sessions, seqs and recent history survive a restart, on the machine's PostgreSQL and on the
 * embedded one; shutdown tells clients to reconnect (4000) and keeps the epoch.
 */
class RestartTest {

  @Test
  void aClientRejoiningAfterARestartGetsWhatItMissed() {
    try (TestServer server = TestServer.start()) {
      restartKeepsSessions(server);
    }
  }

  @Test
  void theEmbeddedDatabaseKeepsSessionsAcrossRestarts() {
    try (TestServer server = TestServer.start(Map.of("EMBEDDED", "true"))) {
      assertThat(server.marquee().config().databaseUrl()).isEmpty();
      restartKeepsSessions(server);
    }
  }

  private static void restartKeepsSessions(TestServer server) {
    JsonObject created = server.createSession();
    String code = created.getString("code");
    String epoch = created.getString("epoch");
    WsClient display = server.ws();
    display.join(code, "display", "TV");
    try (WsClient controller = server.ws()) {
      controller.join(code, "controller", "Alice");
      for (int i = 1; i <= 4; i++) {
        controller.send(ProtocolContract.send("before " + i, "b" + i));
        assertThat(controller.next("ack").getLong("seq")).isEqualTo(i);
      }
      for (int i = 1; i <= 4; i++) {
        assertThat(display.next("message").getLong("seq")).isEqualTo(i);
      }
      display.disconnect();

      for (int i = 5; i <= 7; i++) {
        controller.send(ProtocolContract.send("missed " + i, "m" + i));
        assertThat(controller.next("ack").getLong("seq")).isEqualTo(i);
      }
      server.stop();
      assertThat(controller.next("reconnect").getString("reason")).isEqualTo("shutdown");
      assertThat(controller.awaitClose()).isEqualTo(4000);
    }

    server.restart();
    JsonObject view = new JsonObject(server.get("/api/session/" + code).body());
    assertThat(view.getLong("lastSeq")).isEqualTo(7);
    assertThat(view.getString("epoch")).isEqualTo(epoch);
    assertThat(view.getString("endedAt")).isNull();

    try (WsClient back = server.ws();
        WsClient controller = server.ws()) {
      JsonObject joined =
          back.join(
              new JsonObject()
                  .put("session", code)
                  .put("role", "display")
                  .put("lastSeq", 4)
                  .put("epoch", epoch));
      assertThat(joined.getBoolean("recovered")).isTrue();
      assertThat(joined.getString("epoch")).isEqualTo(epoch);
      for (int i = 5; i <= 7; i++) {
        JsonObject m = back.next("message");
        assertThat(m.getLong("seq")).isEqualTo(i);
        assertThat(m.getString("text")).isEqualTo("missed " + i);
      }
      controller.join(code, "controller", "Alice");
      controller.send(ProtocolContract.send("after", "a"));
      assertThat(controller.next("ack").getLong("seq")).isEqualTo(8);
      assertThat(back.next("message").getLong("seq")).isEqualTo(8);
      back.assertNoFrame("message", Duration.ofMillis(200));
    }
  }
}
