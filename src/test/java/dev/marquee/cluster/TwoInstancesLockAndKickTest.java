package dev.marquee.cluster;

import static dev.marquee.testing.Moderation.assertKicked;
import static dev.marquee.testing.Moderation.controller;
import static dev.marquee.testing.Moderation.kick;
import static dev.marquee.testing.Moderation.lock;
import static dev.marquee.testing.Moderation.refusedJoin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.messaging.CloseCodes;
import dev.marquee.testing.MutableClock;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The owner's lock and kick with two servers on one Redis: whichever instance the owner asks and
 * wherever the members are, they all see the same lock, and a kicked member is closed and kept out
 * everywhere. Both servers share a clock the test moves.
 */
class TwoInstancesLockAndKickTest extends TwoInstancesFixture {
  static final Duration BAN = Duration.ofMinutes(5);

  final MutableClock clock = new MutableClock();

  @Override
  Map<String, String> env() {
    return Map.of("KICK_BAN_MS", Long.toString(BAN.toMillis()));
  }

  @Override
  Clock clock() {
    return clock;
  }

  @Test
  void aLockMadeOnOneInstanceHoldsOnTheOther() {
    JsonObject created = a.createSession();
    String code = created.getString("code");
    try (WsClient alice = b.ws();
        WsClient tv = b.ws();
        WsClient mallory = b.ws()) {
      alice.join(controller(code, "alice"));
      tv.join(code, "display", "TV");

      assertThat(lock(a, code, true, created.getString("ownerToken")).statusCode()).isEqualTo(200);

      assertThat(tv.next("lock").getBoolean("locked")).isTrue();
      assertThat(alice.next("lock").getBoolean("locked")).isTrue();
      assertThat(new JsonObject(b.get("/api/session/" + code).body()).getBoolean("locked"))
          .isTrue();
      mallory.send(controller(code, "mallory").put("type", "join"));
      assertThat(mallory.next().getString("code")).isEqualTo("session_locked");
      alice.disconnect();
      try (WsClient back = a.ws()) {
        assertThat(back.join(controller(code, "alice")).getBoolean("locked")).isTrue();
      }
    }
  }

  @Test
  void aKickClosesTheMembersSocketsOnEveryInstanceAndKeepsItOutEverywhere() {
    JsonObject created = a.createSession();
    String code = created.getString("code");
    try (WsClient aliceA = a.ws();
        WsClient aliceB = b.ws();
        WsClient bob = b.ws();
        WsClient tv = a.ws()) {
      tv.join(code, "display", "TV");
      aliceA.join(controller(code, "alice"));
      aliceB.join(controller(code, "alice"));
      bob.join(controller(code, "bob"));

      assertThat(kick(b, code, "alice", created.getString("ownerToken")).statusCode())
          .isEqualTo(200);

      assertKicked(aliceA);
      assertKicked(aliceB);
      JsonObject leave = tv.nextPresence("leave");
      assertThat(leave.getJsonObject("user").getString("clientId")).isEqualTo("alice");
      assertThat(leave.getString("reason")).isEqualTo("kicked");
      assertThat(new JsonObject(a.get("/api/session/" + code).body()).getJsonObject("presence"))
          .isEqualTo(new JsonObject().put("controller", 1).put("display", 1));

      bob.send(new JsonObject().put("type", "send").put("text", "still on").put("ref", "b"));
      assertThat(bob.nextAnswer().getString("type")).isEqualTo("ack");
      assertThat(tv.next("message").getString("text")).isEqualTo("still on");

      for (TestServer instance : new TestServer[] {a, b}) {
        assertThat(refusedJoin(instance, controller(code, "alice"))).isEqualTo(CloseCodes.KICKED);
      }
      clock.advance(BAN);
      try (WsClient back = a.ws()) {
        back.join(controller(code, "alice"));
      }
    }
  }
}
