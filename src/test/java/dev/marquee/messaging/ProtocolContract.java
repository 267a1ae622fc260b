package dev.marquee.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The WebSocket contract of PROTOCOL.md, checked from outside with real clients, on every engine (a
 * subclass per engine supplies {@link #engineEnv()}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProtocolContract {
  TestServer server;

  /** Environment that selects the engine under test. */
  protected abstract Map<String, String> engineEnv();

  @BeforeAll
  void start() {
    Map<String, String> env = new HashMap<>(engineEnv());
    env.put("RATE_LIMIT_MAX_REQUESTS", "1000");
    env.put("RATE_LIMIT_IP_MAX_REQUESTS", "100000");
    env.put("RATE_LIMIT_CONNECTIONS_PER_IP", "100000");
    env.put("RATE_LIMIT_FAILED_JOINS_PER_IP", "1000");
    server = TestServer.start(env);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private String newSession() {
    return server.createSession().getString("code");
  }

  @Test
  void controllerMessagesReachEveryMemberInOrderAndAreAcknowledged() {
    String code = newSession();
    try (WsClient display1 = server.ws();
        WsClient display2 = server.ws();
        WsClient controller = server.ws()) {
      display1.join(code, "display", "TV 1");
      display2.join(code, "display", "TV 2");
      JsonObject joined = controller.join(code, "controller", "Alice");
      assertThat(joined.getJsonObject("presence").getInteger("controller")).isEqualTo(1);
      assertThat(joined.getJsonObject("presence").getInteger("display")).isEqualTo(2);
      assertThat(joined.getString("epoch")).isNotBlank();
      assertThat(joined.getString("expiresAt")).endsWith("Z");

      for (int i = 1; i <= 20; i++) {
        controller.send(send("message " + i, "m-" + i));
      }
      List<Long> acked = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        JsonObject ack = controller.next("ack");
        assertThat(ack.getString("ref")).isEqualTo("m-" + i);
        acked.add(ack.getLong("seq"));
      }
      assertThat(acked).containsExactlyElementsOf(seqs(1, 20));
      for (WsClient member : List.of(display1, display2, controller)) {
        for (int i = 1; i <= 20; i++) {
          JsonObject m = member.next("message");
          assertThat(m.getLong("seq")).isEqualTo(i);
          assertThat(m.getString("text")).isEqualTo("message " + i);
          assertThat(m.getString("session")).isEqualTo(code);
          assertThat(m.getJsonObject("from").getString("name")).isEqualTo("Alice");
          assertThat(m.getJsonObject("from").getString("role")).isEqualTo("controller");
          assertThat(m.getLong("ts")).isPositive();
        }
      }
    }
  }

  @Test
  void presenceEventsTellMembersWhoJoinedAndLeft() {
    String code = newSession();
    try (WsClient display = server.ws()) {
      display.join(code, "display", "TV");
      WsClient controller = server.ws();
      JsonObject clientJoin =
          new JsonObject()
              .put("session", code.toLowerCase())
              .put("role", "controller")
              .put("name", "Bob")
              .put("clientId", "bob-1");
      assertThat(controller.join(clientJoin).getString("clientId")).isEqualTo("bob-1");
      JsonObject join = display.next("presence");
      assertThat(join.getString("event")).isEqualTo("join");
      assertThat(join.getJsonObject("user").getString("clientId")).isEqualTo("bob-1");
      assertThat(join.getJsonObject("user").getString("role")).isEqualTo("controller");
      assertThat(join.getJsonObject("counts").getInteger("controller")).isEqualTo(1);

      controller.send(new JsonObject().put("type", "leave"));
      assertThat(controller.awaitClose()).isEqualTo(1000);
      JsonObject leave = display.next("presence");
      assertThat(leave.getString("event")).isEqualTo("leave");
      assertThat(leave.getJsonObject("counts").getInteger("controller")).isZero();
      assertThat(leave.getJsonObject("counts").getInteger("display")).isEqualTo(1);
    }
  }

  @Test
  void aMemberReconnectingWithTheSameClientIdIsCountedOnce() {
    String code = newSession();
    try (WsClient first = server.ws();
        WsClient second = server.ws()) {
      JsonObject join =
          new JsonObject()
              .put("session", code)
              .put("role", "display")
              .put("name", "TV")
              .put("clientId", "tv-1");
      first.join(join);
      JsonObject again = second.join(join);
      assertThat(again.getJsonObject("presence").getInteger("display")).isEqualTo(1);
      first.disconnect();
      second.assertNoFrame("presence", Duration.ofMillis(300));
      JsonObject view = new JsonObject(server.get("/api/session/" + code).body());
      assertThat(view.getJsonObject("presence").getInteger("display")).isEqualTo(1);
    }
  }

  @Test
  void pingIsAnsweredWithPong() {
    String code = newSession();
    try (WsClient c = server.ws()) {
      c.join(code, "display", "TV");
      c.send(new JsonObject().put("type", "ping").put("ref", "p-1"));
      JsonObject pong = c.next("pong");
      assertThat(pong.getString("ref")).isEqualTo("p-1");
    }
  }

  @Test
  void framesBeforeJoinGetNotJoinedAndTheSocketStaysOpen() {
    try (WsClient c = server.ws()) {
      c.send(send("hi", "m-1"));
      JsonObject error = c.next();
      assertThat(error.getString("type")).isEqualTo("error");
      assertThat(error.getString("code")).isEqualTo("not_joined");
      assertThat(error.getString("ref")).isEqualTo("m-1");
      c.send(new JsonObject().put("type", "ping"));
      assertThat(c.next().getString("code")).isEqualTo("not_joined");
      c.join(newSession(), "display", "TV");
    }
  }

  @Test
  void malformedFramesGetBadRequestAndNothingElseIsTouched() {
    String code = newSession();
    try (WsClient display = server.ws();
        WsClient c = server.ws()) {
      display.join(code, "display", "TV");
      c.join(code, "controller", "Eve");
      for (String bad :
          List.of(
              "not json",
              "[1,2,3]",
              "{\"type\":42}",
              "{\"type\":\"shout\"}",
              "{\"type\":\"send\",\"text\":7}",
              "{\"type\":\"send\",\"text\":\"\"}",
              "{\"type\":\"send\",\"text\":\"   \"}",
              "{\"type\":\"join\",\"session\":\"K7QX2M\",\"role\":\"display\"}",
              "{\"type\":\"send\",\"text\":\"x\",\"ref\":{\"a\":1}}")) {
        c.sendRaw(bad);
        JsonObject error = c.next("error");
        assertThat(error.getString("code")).as(bad).isEqualTo("bad_request");
        assertThat(error.getString("message")).isNotBlank();
      }
      c.send(send("still here", "ok"));
      assertThat(c.next("ack").getString("ref")).isEqualTo("ok");
      assertThat(display.next("message").getString("text")).isEqualTo("still here");
    }
  }

  @Test
  void textOverTheLimitIsRefusedAsTooLarge() {
    String code = newSession();
    try (WsClient c = server.ws()) {
      c.join(code, "controller", "Eve");
      c.send(send("x".repeat(2001), "big"));
      JsonObject error = c.next("error");
      assertThat(error.getString("code")).isEqualTo("too_large");
      assertThat(error.getString("ref")).isEqualTo("big");
      c.send(send("é".repeat(2000), "max"));
      assertThat(c.next("ack").getString("ref")).isEqualTo("max");
    }
  }

  @Test
  void aDisplayThatSendsIsForbidden() {
    String code = newSession();
    try (WsClient display = server.ws()) {
      display.join(code, "display", "TV");
      display.send(send("I am a TV", "d-1"));
      JsonObject error = display.next("error");
      assertThat(error.getString("code")).isEqualTo("forbidden");
      assertThat(error.getString("ref")).isEqualTo("d-1");
      display.assertNoFrame("message", Duration.ofMillis(200));
    }
  }

  @Test
  void unknownSessionIsRefusedAndClosedWith4501() {
    try (WsClient c = server.ws()) {
      c.send(
          new JsonObject()
              .put("type", "join")
              .put("session", "ZZZZZZ")
              .put("role", "display")
              .put("name", "TV"));
      JsonObject error = c.next();
      assertThat(error.getString("code")).isEqualTo("session_not_found");
      assertThat(c.awaitClose()).isEqualTo(4501);
    }
  }

  @Test
  void endedSessionIsRefusedAndClosedWith4500() {
    JsonObject created = server.createSession();
    String code = created.getString("code");
    try (WsClient display = server.ws()) {
      display.join(code, "display", "TV");
      assertThat(
              server.delete("/api/session/" + code, created.getString("ownerToken")).statusCode())
          .isEqualTo(200);
      assertThat(display.next("ended").getString("reason")).isEqualTo("closed");
      assertThat(display.awaitClose()).isEqualTo(4500);
    }
    try (WsClient late = server.ws()) {
      late.send(
          new JsonObject()
              .put("type", "join")
              .put("session", code)
              .put("role", "display")
              .put("name", "TV"));
      assertThat(late.next().getString("code")).isEqualTo("session_ended");
      assertThat(late.awaitClose()).isEqualTo(4500);
    }
  }

  @Test
  void framesOver16KiBCloseTheSocketWith1009() {
    String code = newSession();
    try (WsClient c = server.ws();
        WsClient other = server.ws()) {
      c.join(code, "controller", "Eve");
      other.join(code, "display", "TV");
      c.sendRaw("{\"type\":\"send\",\"text\":\"" + "y".repeat(17 * 1024) + "\"}");
      assertThat(c.awaitClose()).isEqualTo(1009);
      other.send(new JsonObject().put("type", "ping").put("ref", "alive"));
      assertThat(other.next("pong").getString("ref")).isEqualTo("alive");
    }
  }

  @Test
  void binaryFramesAreRefused() {
    try (WsClient c = server.ws()) {
      c.sendBinary(new byte[] {1, 2, 3});
      assertThat(c.next().getString("code")).isEqualTo("bad_request");
    }
  }

  static JsonObject send(String text, String ref) {
    return new JsonObject().put("type", "send").put("text", text).put("ref", ref);
  }

  static List<Long> seqs(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }
}
