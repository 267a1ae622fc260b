package dev.marquee.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.DatabaseUrl;
import dev.marquee.messaging.CloseCodes;
import dev.marquee.testing.MutableClock;
import dev.marquee.testing.TestPostgres;
import dev.marquee.testing.TestRedis;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The owner's lock and kick with two servers on one Redis: whichever instance the owner asks and
 * wherever the members are, they all see the same lock, and a kicked member is closed and kept out
 * everywhere. Both servers share a clock the test moves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoInstancesLockAndKickTest {
  static final Duration BAN = Duration.ofMinutes(5);

  final MutableClock clock = new MutableClock();
  DatabaseUrl db;
  TestServer a;
  TestServer b;

  /** The Redis engine's environment, on a fresh prefix. */
  Map<String, String> redisEnv() {
    return TestRedis.engineEnv();
  }

  @BeforeAll
  void start() {
    db = TestPostgres.freshDatabase();
    Map<String, String> env = new HashMap<>(redisEnv());
    env.put("DATABASE_URL", TestPostgres.uri(db));
    env.put("KICK_BAN_MS", Long.toString(BAN.toMillis()));
    a = TestServer.start(env, clock);
    b = TestServer.start(env, clock);
  }

  @AfterAll
  void stop() {
    a.close();
    b.close();
    TestPostgres.drop(db);
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

      assertThat(
              a.post(
                      "/api/session/" + code + "/lock",
                      "{\"locked\":true}",
                      created.getString("ownerToken"))
                  .statusCode())
          .isEqualTo(200);

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

      assertThat(
              b.post(
                      "/api/session/" + code + "/kick",
                      "{\"clientId\":\"alice\"}",
                      created.getString("ownerToken"))
                  .statusCode())
          .isEqualTo(200);

      for (WsClient socket : new WsClient[] {aliceA, aliceB}) {
        assertThat(socket.next("error").getString("code")).isEqualTo("kicked");
        assertThat(socket.awaitClose()).isEqualTo(CloseCodes.KICKED);
      }
      JsonObject leave = tv.next("presence");
      while (!"leave".equals(leave.getString("event"))) {
        leave = tv.next("presence");
      }
      assertThat(leave.getJsonObject("user").getString("clientId")).isEqualTo("alice");
      assertThat(leave.getString("reason")).isEqualTo("kicked");
      assertThat(new JsonObject(a.get("/api/session/" + code).body()).getJsonObject("presence"))
          .isEqualTo(new JsonObject().put("controller", 1).put("display", 1));

      bob.send(new JsonObject().put("type", "send").put("text", "still on").put("ref", "b"));
      assertThat(bob.nextAnswer().getString("type")).isEqualTo("ack");
      assertThat(tv.next("message").getString("text")).isEqualTo("still on");

      for (TestServer instance : new TestServer[] {a, b}) {
        try (WsClient again = instance.ws()) {
          again.send(controller(code, "alice").put("type", "join"));
          assertThat(again.next().getString("code")).isEqualTo("kicked");
          assertThat(again.awaitClose()).isEqualTo(CloseCodes.KICKED);
        }
      }
      clock.advance(BAN);
      try (WsClient back = a.ws()) {
        back.join(controller(code, "alice"));
      }
    }
  }

  static JsonObject controller(String code, String clientId) {
    return new JsonObject()
        .put("session", code)
        .put("role", "controller")
        .put("name", clientId)
        .put("clientId", clientId);
  }
}
