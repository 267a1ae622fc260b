package dev.marquee.session;

import static dev.marquee.testing.Moderation.assertKicked;
import static dev.marquee.testing.Moderation.controller;
import static dev.marquee.testing.Moderation.kick;
import static dev.marquee.testing.Moderation.lock;
import static dev.marquee.testing.Moderation.path;
import static dev.marquee.testing.Moderation.refusedJoin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.messaging.CloseCodes;
import dev.marquee.testing.MutableClock;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The owner's lock and kick, from outside with real clients, on every engine (a subclass per engine
 * supplies {@link #engineEnv()}). The engine runs on a clock the test moves, so a kick's ban ends
 * without waiting.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LockAndKickContract {
  static final String ADMIN = "admin-token-for-lock-and-kick";
  static final Duration BAN = Duration.ofMinutes(5);

  final MutableClock clock = new MutableClock();
  TestServer server;

  /** Environment that selects the engine under test. */
  protected abstract Map<String, String> engineEnv();

  @BeforeAll
  void start() {
    Map<String, String> env = new HashMap<>(engineEnv());
    env.put("ADMIN_TOKEN", ADMIN);
    env.put("KICK_BAN_MS", Long.toString(BAN.toMillis()));
    env.put("RATE_LIMIT_CONNECTIONS_PER_IP", "100000");
    env.put("RATE_LIMIT_IP_MAX_REQUESTS", "100000");
    server = TestServer.start(env, clock);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aLockedSessionRefusesNewControllersButNotDisplaysNorReturningMembers() {
    JsonObject created = server.createSession();
    String code = created.getString("code");
    String owner = created.getString("ownerToken");
    try (WsClient alice = server.ws();
        WsClient tv = server.ws();
        WsClient mallory = server.ws()) {
      JsonObject joined = alice.join(controller(code, "alice"));
      assertThat(joined.getBoolean("locked")).isFalse();
      tv.join(code, "display", "TV");

      HttpResponse<String> lock = lock(server, code, true, owner);
      assertThat(lock.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(lock.body()).getBoolean("locked")).isTrue();
      for (WsClient member : new WsClient[] {alice, tv}) {
        assertThat(member.next("lock").getBoolean("locked")).isTrue();
      }
      assertThat(session(code).getBoolean("locked")).isTrue();

      mallory.send(controller(code, "mallory").put("type", "join"));
      JsonObject refused = mallory.next();
      assertThat(refused.getString("type")).isEqualTo("error");
      assertThat(refused.getString("code")).isEqualTo("session_locked");
      assertThat(mallory.isClosed()).as("an error frame closes nothing").isFalse();
      JsonObject asDisplay =
          mallory.join(new JsonObject().put("session", code).put("role", "display"));
      assertThat(asDisplay.getBoolean("locked")).isTrue();
      assertThat(session(code).getJsonObject("presence").getInteger("controller"))
          .as("only alice")
          .isEqualTo(1);

      alice.send(send("still here", "m-1"));
      assertThat(alice.nextAnswer().getString("type")).isEqualTo("ack");
      assertThat(tv.next("message").getString("text")).isEqualTo("still here");

      alice.disconnect();
      try (WsClient back = server.ws()) {
        assertThat(back.join(controller(code, "alice")).getBoolean("locked")).isTrue();
      }

      assertThat(lock(server, code, false, owner).statusCode()).isEqualTo(200);
      assertThat(tv.next("lock").getBoolean("locked")).isFalse();
      assertThat(session(code).getBoolean("locked")).isFalse();
      try (WsClient newcomer = server.ws()) {
        assertThat(newcomer.join(controller(code, "newcomer")).getBoolean("locked")).isFalse();
      }
    }
  }

  @Test
  void aKickedMemberIsClosedWith4502AndKeptOutUntilItsBanEnds() {
    JsonObject created = server.createSession();
    String code = created.getString("code");
    try (WsClient alice = server.ws();
        WsClient aliceTab = server.ws();
        WsClient bob = server.ws();
        WsClient tv = server.ws()) {
      tv.join(code, "display", "TV");
      alice.join(controller(code, "alice"));
      aliceTab.join(controller(code, "alice"));
      bob.join(controller(code, "bob"));

      HttpResponse<String> kick = kick(server, code, "alice", created.getString("ownerToken"));
      assertThat(kick.statusCode()).isEqualTo(200);
      JsonObject kicked = new JsonObject(kick.body());
      assertThat(kicked.getBoolean("wasPresent")).isTrue();
      assertThat(kicked.getString("clientId")).isEqualTo("alice");
      assertThat(kicked.getString("bannedUntil")).endsWith("Z");

      assertKicked(alice);
      assertKicked(aliceTab);
      JsonObject leave = tv.nextPresence("leave");
      assertThat(leave.getJsonObject("user").getString("clientId")).isEqualTo("alice");
      assertThat(leave.getString("reason")).isEqualTo("kicked");
      assertThat(leave.getJsonObject("counts").getInteger("controller")).isEqualTo(1);
      tv.assertNoFrame("presence", Duration.ofMillis(200));

      bob.send(send("unaffected", "b-1"));
      assertThat(bob.nextAnswer().getString("type")).isEqualTo("ack");
      assertThat(tv.next("message").getString("text")).isEqualTo("unaffected");

      assertThat(refusedJoin(server, controller(code, "alice"))).isEqualTo(CloseCodes.KICKED);
      assertThat(refusedJoin(server, controller(code, "alice").put("role", "display")))
          .as("in any role")
          .isEqualTo(CloseCodes.KICKED);

      clock.advance(BAN.minusMillis(1));
      assertThat(refusedJoin(server, controller(code, "alice"))).isEqualTo(CloseCodes.KICKED);
      clock.advance(Duration.ofMillis(1));
      try (WsClient back = server.ws()) {
        back.join(controller(code, "alice"));
      }
    }
  }

  @Test
  void aKickKeepsOutAClientThatIsNotPresent() {
    JsonObject created = server.createSession();
    String code = created.getString("code");
    HttpResponse<String> kick = kick(server, code, "ghost", ADMIN);
    assertThat(kick.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(kick.body()).getBoolean("wasPresent")).isFalse();
    assertThat(refusedJoin(server, controller(code, "ghost"))).isEqualTo(CloseCodes.KICKED);
  }

  @Test
  void onlyTheOwnerOrAnOperatorMayLockOrKick() {
    JsonObject created = server.createSession();
    String code = created.getString("code");
    String other = server.createSession().getString("ownerToken");

    assertThat(server.post(path(code, "lock"), "{\"locked\":true}").statusCode()).isEqualTo(401);
    assertThat(lock(server, code, true, other).statusCode()).isEqualTo(403);
    assertThat(server.post(path(code, "kick"), "{\"clientId\":\"a\"}").statusCode()).isEqualTo(401);
    assertThat(kick(server, code, "a", other).statusCode()).isEqualTo(403);
    assertThat(session(code).getBoolean("locked")).isFalse();

    assertThat(lock(server, "ZZZZZZ", true, ADMIN).statusCode()).isEqualTo(404);
    assertThat(kick(server, "ZZZZZZ", "a", ADMIN).statusCode()).isEqualTo(404);
    HttpResponse<String> bad = server.post(path(code, "lock"), "{\"locked\":\"yes\"}", ADMIN);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(bad.body()).getJsonObject("error").getString("code"))
        .isEqualTo("bad_request");
    assertThat(server.post(path(code, "kick"), "{\"clientId\":\"no spaces\"}", ADMIN).statusCode())
        .isEqualTo(400);
    assertThat(server.post(path(code, "kick"), "{}", ADMIN).statusCode()).isEqualTo(400);

    assertThat(lock(server, code, true, ADMIN).statusCode()).as("an operator").isEqualTo(200);
    assertThat(server.delete("/api/session/" + code, ADMIN).statusCode()).isEqualTo(200);
    HttpResponse<String> ended = lock(server, code, false, created.getString("ownerToken"));
    assertThat(ended.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(ended.body()).getJsonObject("error").getString("code"))
        .isEqualTo("session_ended");
    assertThat(kick(server, code, "a", ADMIN).statusCode()).isEqualTo(409);
    assertThat(session(code).getBoolean("locked")).isFalse();
  }

  private JsonObject session(String code) {
    HttpResponse<String> r = server.get("/api/session/" + code);
    assertThat(r.statusCode()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  static JsonObject send(String text, String ref) {
    return new JsonObject().put("type", "send").put("text", text).put("ref", ref);
  }
}
