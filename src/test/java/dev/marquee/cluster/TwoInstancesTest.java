package dev.marquee.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two servers on one Redis and one PostgreSQL, as behind a load balancer without sticky sessions:
 * whatever instance a client lands on, it is in the same session.
 */
class TwoInstancesTest extends TwoInstancesFixture {
  @Override
  Map<String, String> env() {
    return Map.of("RATE_LIMIT_MAX_REQUESTS", "5", "RATE_LIMIT_IP_MAX_REQUESTS", "100000");
  }

  @Test
  void aControllerOnOneInstanceReachesDisplaysOnTheOtherInOrder() {
    String code = a.createSession().getString("code");
    try (WsClient displayB = b.ws();
        WsClient displayA = a.ws();
        WsClient controller = a.ws()) {
      displayB.join(code, "display", "TV B");
      displayA.join(code, "display", "TV A");
      JsonObject joined = controller.join(code, "controller", "Alice");
      assertThat(joined.getJsonObject("presence").getInteger("display")).isEqualTo(2);
      for (int i = 1; i <= 5; i++) {
        controller.send(
            new JsonObject().put("type", "send").put("text", "m" + i).put("ref", "" + i));
      }
      for (int i = 1; i <= 5; i++) {
        assertThat(controller.next("ack").getLong("seq")).isEqualTo(i);
      }
      for (WsClient display : new WsClient[] {displayA, displayB}) {
        for (int i = 1; i <= 5; i++) {
          JsonObject m = display.next("message");
          assertThat(m.getLong("seq")).isEqualTo(i);
          assertThat(m.getString("text")).isEqualTo("m" + i);
        }
      }
      JsonObject join = displayB.next("presence");
      assertThat(join.getJsonObject("user").getString("name")).isEqualTo("TV A");
    }
  }

  @Test
  void theRateLimitHoldsAcrossInstances() {
    String code = a.createSession().getString("code");
    JsonObject me =
        new JsonObject()
            .put("session", code)
            .put("role", "controller")
            .put("name", "Me")
            .put("clientId", "same-user");
    try (WsClient onA = a.ws();
        WsClient onB = b.ws()) {
      onA.join(me);
      onB.join(me);
      int accepted = 0;
      int refused = 0;
      for (int i = 0; i < 8; i++) {
        WsClient via = i % 2 == 0 ? onA : onB;
        via.send(new JsonObject().put("type", "send").put("text", "x").put("ref", "r" + i));
      }
      for (WsClient via : new WsClient[] {onA, onB}) {
        for (int i = 0; i < 4; i++) {
          JsonObject answer = via.next();
          while (!answer.getString("type").equals("ack")
              && !answer.getString("type").equals("error")) {
            answer = via.next();
          }
          if (answer.getString("type").equals("ack")) {
            accepted++;
          } else {
            assertThat(answer.getString("code")).isEqualTo("rate_limited");
            refused++;
          }
        }
      }
      assertThat(accepted).isEqualTo(5);
      assertThat(refused).isEqualTo(3);
    }
  }

  @Test
  void manyConcurrentSendersAsOneUserOnBothInstancesGetExactlyTheLimit() {
    String code = a.createSession().getString("code");
    JsonObject me =
        new JsonObject()
            .put("session", code)
            .put("role", "controller")
            .put("name", "Me")
            .put("clientId", "racer");
    java.util.List<WsClient> sockets = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 16; i++) {
        WsClient c = (i % 2 == 0 ? a : b).ws();
        c.join(me);
        sockets.add(c);
      }
      // Everything goes out before any answer is read, so the sends race on the servers.
      for (int round = 0; round < 3; round++) {
        for (WsClient c : sockets) {
          c.sendAsync(new JsonObject().put("type", "send").put("text", "x"));
        }
      }
      int acks = 0;
      int limited = 0;
      for (WsClient c : sockets) {
        for (int i = 0; i < 3; i++) {
          JsonObject answer = c.nextAnswer();
          if (answer.getString("type").equals("ack")) {
            acks++;
          } else {
            assertThat(answer.getString("code")).isEqualTo("rate_limited");
            limited++;
          }
        }
      }
      assertThat(acks).as("the limit is 5 per window, whichever instance").isEqualTo(5);
      assertThat(limited).isEqualTo(16 * 3 - 5);
    } finally {
      sockets.forEach(WsClient::disconnect);
    }
  }

  @Test
  void endingASessionOnOneInstanceClosesItEverywhere() {
    JsonObject created = a.createSession();
    String code = created.getString("code");
    try (WsClient onB = b.ws()) {
      onB.join(code, "display", "TV");
      assertThat(a.delete("/api/session/" + code, created.getString("ownerToken")).statusCode())
          .isEqualTo(200);
      assertThat(onB.next("ended").getString("reason")).isEqualTo("closed");
      assertThat(onB.awaitClose()).isEqualTo(4500);
      assertThat(new JsonObject(b.get("/api/session/" + code).body()).getString("endedAt"))
          .isNotNull();
    }
  }

  @Test
  void presenceIsTheSameSeenFromEitherInstance() {
    String code = a.createSession().getString("code");
    try (WsClient onA = a.ws();
        WsClient onB = b.ws()) {
      onA.join(code, "display", "TV A");
      onB.join(code, "controller", "Phone B");
      for (TestServer server : new TestServer[] {a, b}) {
        JsonObject counts = new JsonObject(server.get("/api/session/" + code + "/presence").body());
        assertThat(counts.getInteger("display")).isEqualTo(1);
        assertThat(counts.getInteger("controller")).isEqualTo(1);
      }
      onB.disconnect();
      JsonObject leave = onA.nextPresence("leave");
      assertThat(leave.getJsonObject("counts").getInteger("controller")).isZero();
    }
  }

  @Test
  void aClientRejoiningOnTheOtherInstanceGetsWhatItMissed() {
    String code = a.createSession().getString("code");
    try (WsClient controller = a.ws()) {
      controller.join(code, "controller", "Alice");
      String epoch;
      try (WsClient display = a.ws()) {
        epoch = display.join(code, "display", "TV").getString("epoch");
        controller.send(new JsonObject().put("type", "send").put("text", "1"));
        display.next("message");
      }
      controller.send(new JsonObject().put("type", "send").put("text", "2"));
      controller.send(new JsonObject().put("type", "send").put("text", "3"));
      controller.next("ack");
      controller.next("ack");
      controller.next("ack");
      try (WsClient back = b.ws()) {
        JsonObject joined =
            back.join(
                new JsonObject()
                    .put("session", code)
                    .put("role", "display")
                    .put("lastSeq", 1)
                    .put("epoch", epoch));
        assertThat(joined.getBoolean("recovered")).isTrue();
        assertThat(back.next("message").getString("text")).isEqualTo("2");
        assertThat(back.next("message").getString("text")).isEqualTo("3");
        back.assertNoFrame("message", Duration.ofMillis(200));
      }
    }
  }
}
