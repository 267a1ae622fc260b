package dev.marquee.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rejoining with {@code lastSeq}/{@code epoch}: what was missed first, then live, no gaps. */
class ReplayTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server =
        TestServer.start(
            Map.of("RATE_LIMIT_MAX_REQUESTS", "100000", "RATE_LIMIT_IP_MAX_REQUESTS", "100000"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void sendAndAck(WsClient controller, int from, int to) {
    for (int i = from; i <= to; i++) {
      controller.send(ProtocolContract.send("m" + i, "r" + i));
    }
    for (int i = from; i <= to; i++) {
      assertThat(controller.next("ack").getLong("seq")).isEqualTo(i);
    }
  }

  @Test
  void rejoiningWithLastSeqReplaysWhatWasMissedThenLiveMessages() {
    String code = server.createSession().getString("code");
    try (WsClient controller = server.ws()) {
      controller.join(code, "controller", "Alice");
      String epoch;
      try (WsClient display = server.ws()) {
        epoch = display.join(code, "display", "TV").getString("epoch");
        sendAndAck(controller, 1, 5);
        for (int i = 1; i <= 5; i++) {
          assertThat(display.next("message").getLong("seq")).isEqualTo(i);
        }
      }
      sendAndAck(controller, 6, 12);
      try (WsClient back = server.ws()) {
        JsonObject joined =
            back.join(
                new JsonObject()
                    .put("session", code)
                    .put("role", "display")
                    .put("name", "TV")
                    .put("lastSeq", 5)
                    .put("epoch", epoch));
        assertThat(joined.getBoolean("recovered")).isTrue();
        assertThat(joined.getLong("lastSeq")).isEqualTo(12);
        for (int i = 6; i <= 12; i++) {
          JsonObject m = back.next("message");
          assertThat(m.getLong("seq")).isEqualTo(i);
          assertThat(m.getString("text")).isEqualTo("m" + i);
        }
        sendAndAck(controller, 13, 13);
        assertThat(back.next("message").getLong("seq")).isEqualTo(13);
        back.assertNoFrame("message", java.time.Duration.ofMillis(200));
      }
    }
  }

  @Test
  void aDifferentEpochMeansNotRecovered() {
    String code = server.createSession().getString("code");
    try (WsClient controller = server.ws();
        WsClient back = server.ws()) {
      controller.join(code, "controller", "Alice");
      sendAndAck(controller, 1, 3);
      JsonObject joined =
          back.join(
              new JsonObject()
                  .put("session", code)
                  .put("role", "display")
                  .put("lastSeq", 1)
                  .put("epoch", "some-old-epoch"));
      assertThat(joined.getBoolean("recovered")).isFalse();
      assertThat(joined.getLong("lastSeq")).isEqualTo(3);
      back.assertNoFrame("message", java.time.Duration.ofMillis(200));
    }
  }

  @Test
  void aGapOlderThanTheRecentWindowMeansNotRecovered() {
    String code = server.createSession().getString("code");
    try (WsClient controller = server.ws();
        WsClient back = server.ws()) {
      JsonObject joined = controller.join(code, "controller", "Alice");
      sendAndAck(controller, 1, 110);
      JsonObject rejoined =
          back.join(
              new JsonObject()
                  .put("session", code)
                  .put("role", "display")
                  .put("lastSeq", 5)
                  .put("epoch", joined.getString("epoch")));
      assertThat(rejoined.getBoolean("recovered")).isFalse();
      back.assertNoFrame("message", java.time.Duration.ofMillis(200));
      JsonObject stillFine =
          server
              .ws()
              .join(
                  new JsonObject()
                      .put("session", code)
                      .put("role", "display")
                      .put("lastSeq", 10)
                      .put("epoch", joined.getString("epoch")));
      assertThat(stillFine.getBoolean("recovered")).isTrue();
    }
  }

  @Test
  void aClientThatIsUpToDateIsRecoveredWithNothingToReplay() {
    String code = server.createSession().getString("code");
    try (WsClient controller = server.ws();
        WsClient back = server.ws()) {
      JsonObject joined = controller.join(code, "controller", "Alice");
      sendAndAck(controller, 1, 2);
      JsonObject rejoined =
          back.join(
              new JsonObject()
                  .put("session", code)
                  .put("role", "display")
                  .put("lastSeq", 2)
                  .put("epoch", joined.getString("epoch")));
      assertThat(rejoined.getBoolean("recovered")).isTrue();
      back.assertNoFrame("message", java.time.Duration.ofMillis(200));
    }
  }
}
