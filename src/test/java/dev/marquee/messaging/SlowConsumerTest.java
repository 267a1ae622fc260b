package dev.marquee.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.RawWebSocket;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A socket that stops reading is closed with 4001 and slows nobody else down. */
class SlowConsumerTest {

  @Test
  void aClientThatStopsReadingIsClosedWith4001AndOthersKeepUp() {
    try (TestServer server =
        TestServer.start(
            Map.of(
                "WS_WRITE_QUEUE_MAX_BYTES", "16384",
                "RATE_LIMIT_MAX_REQUESTS", "1000000",
                "RATE_LIMIT_IP_MAX_REQUESTS", "1000000"))) {
      String code = server.createSession().getString("code");
      String other = server.createSession().getString("code");
      try (WsClient slow = WsClient.connectSmallBuffer(server.port());
          WsClient fast = server.ws();
          WsClient bystander = server.ws();
          WsClient controller = server.ws()) {
        slow.join(code, "display", "Stuck TV");
        fast.join(code, "display", "Good TV");
        bystander.join(other, "display", "Other room");
        controller.join(code, "controller", "Alice");
        slow.pause();

        String text = "z".repeat(2000);
        int sent = 0;
        while (sent < 5_000 && !slowConsumerClosed(server)) {
          for (int i = 0; i < 100; i++) {
            controller.send(new JsonObject().put("type", "send").put("text", text));
          }
          sent += 100;
          for (int i = 0; i < 100; i++) {
            controller.next("ack");
          }
        }
        assertThat(slowConsumerClosed(server)).as("closed after %d messages", sent).isTrue();

        for (int seq = 1; seq <= sent; seq++) {
          assertThat(fast.next("message").getLong("seq")).isEqualTo(seq);
        }
        bystander.send(new JsonObject().put("type", "ping").put("ref", "alive"));
        assertThat(bystander.next("pong").getString("ref")).isEqualTo("alive");

        slow.resume();
        assertThat(slow.awaitClose(Duration.ofSeconds(15))).isEqualTo(4001);
      }
    }
  }

  @Test
  void aClientThatStopsReadingIsClosedWithinTheStallTimeoutEvenWithLittleQueued() {
    try (TestServer server = TestServer.start(Map.of("WS_STALL_TIMEOUT_MS", "1000"))) {
      String code = server.createSession().getString("code");
      // A client at the TCP level that stops reading after its join: it answers no ping.
      try (RawWebSocket stuck = RawWebSocket.connect(server.port());
          WsClient reading = server.ws();
          WsClient controller = server.ws()) {
        stuck.sendText(
            new JsonObject()
                .put("type", "join")
                .put("session", code)
                .put("role", "display")
                .put("name", "Stuck TV")
                .encode());
        assertThat(new JsonObject(stuck.nextText()).getString("type")).isEqualTo("joined");
        reading.join(code, "display", "Good TV");
        controller.join(code, "controller", "Alice");
        controller.send(new JsonObject().put("type", "send").put("text", "one small message"));
        controller.next("ack");
        // A few hundred bytes queued: far from any byte bound; only the unanswered ping tells.
        dev.marquee.testing.Eventually.until(
            Duration.ofSeconds(10),
            () -> slowConsumerClosed(server),
            "the stalled display closed as a slow consumer");
        assertThat(stuck.awaitClose()).isEqualTo(4001);

        // Pinged too, but it answers: still open three pings later (pings are at least half a
        // time-out apart, so over a whole time-out after the first), and still delivered to.
        try (RawWebSocket answering = RawWebSocket.connect(server.port())) {
          answering.sendText(
              new JsonObject()
                  .put("type", "join")
                  .put("session", code)
                  .put("role", "display")
                  .put("name", "Answering TV")
                  .encode());
          List<String> seen = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            controller.send(new JsonObject().put("type", "send").put("text", "more " + i));
            controller.next("ack");
            seen.addAll(answering.answerNextPing());
          }
          controller.send(new JsonObject().put("type", "send").put("text", "still there"));
          controller.next("ack");
          seen.addAll(answering.answerNextPing());
          assertThat(seen.stream().map(JsonObject::new))
              .filteredOn(f -> "message".equals(f.getString("type")))
              .extracting(f -> f.getString("text"))
              .endsWith("more 0", "more 1", "more 2", "still there");
        }
        assertThat(slowConsumerClosed(server)).as("only the stalled display").isTrue();
        assertThat(reading.isClosed()).isFalse();
        assertThat(controller.isClosed()).isFalse();
      }
    }
  }

  private static boolean slowConsumerClosed(TestServer server) {
    return server.get("/metrics").body().contains("marquee_sockets_slow_consumer_closed_total 1.0");
  }
}
