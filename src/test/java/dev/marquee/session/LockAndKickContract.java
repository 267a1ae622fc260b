package dev.marquee.session;

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

      HttpResponse<String> lock = lock(code, true, owner);
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

      assertThat(lock(code, false, owner).statusCode()).isEqualTo(200);
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

      HttpResponse<String> kick = kick(code, "alice", created.getString("ownerToken"));
      assertThat(kick.statusCode()).isEqualTo(200);
      JsonObject kicked = new JsonObject(kick.body());
      assertThat(kicked.getBoolean("wasPresent")).isTrue();
      assertThat(kicked.getString("clientId")).isEqualTo("alice");
      assertThat(kicked.getString("bannedUntil")).endsWith("Z");

      for (WsClient socket : new WsClient[] {alice, aliceTab}) {
        assertThat(socket.next("error").getString("code")).isEqualTo("kicked");
        assertThat(socket.awaitClose()).isEqualTo(CloseCodes.KICKED);
      }
      JsonObject leave = tv.next("presence");
      while (!"alice".equals(leave.getJsonObject("user").getString("clientId"))
          || !"leave".equals(leave.getString("event"))) {
        leave = tv.next("presence");
      }
      assertThat(leave.getString("reason")).isEqualTo("kicked");
      assertThat(leave.getJsonObject("counts").getInteger("controller")).isEqualTo(1);
      tv.assertNoFrame("presence", Duration.ofMillis(200));

      bob.send(send("unaffected", "b-1"));
      assertThat(bob.nextAnswer().getString("type")).isEqualTo("ack");
      assertThat(tv.next("message").getString("text")).isEqualTo("unaffected");

      assertThat(refusedJoin(controller(code, "alice"))).isEqualTo(CloseCodes.KICKED);
      assertThat(refusedJoin(controller(code, "alice").put("role", "display")))
          .as("in any role")
          .isEqualTo(CloseCodes.KICKED);

      clock.advance(BAN.minusMillis(1));
      assertThat(refusedJoin(controller(code, "alice"))).isEqualTo(CloseCodes.KICKED);
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
    HttpResponse<String> kick = kick(code, "ghost", ADMIN);
    assertThat(kick.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(kick.body()).getBoolean("wasPresent")).isFalse();
    assertThat(refusedJoin(controller(code, "ghost"))).isEqualTo(CloseCodes.KICKED);
  }

  @Test
  void onlyTheOwnerOrAnOperatorMayLockOrKick() {
    JsonObject created = server.createSession();
    String code = created.getString("code");
    String other = server.createSession().getString("ownerToken");

    assertThat(server.post(path(code, "lock"), "{\"locked\":true}").statusCode()).isEqualTo(401);
    assertThat(lock(code, true, other).statusCode()).isEqualTo(403);
    assertThat(server.post(path(code, "kick"), "{\"clientId\":\"a\"}").statusCode()).isEqualTo(401);
    assertThat(kick(code, "a", other).statusCode()).isEqualTo(403);
    assertThat(session(code).getBoolean("locked")).isFalse();

    assertThat(lock("ZZZZZZ", true, ADMIN).statusCode()).isEqualTo(404);
    assertThat(kick("ZZZZZZ", "a", ADMIN).statusCode()).isEqualTo(404);
    HttpResponse<String> bad = server.post(path(code, "lock"), "{\"locked\":\"yes\"}", ADMIN);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(bad.body()).getJsonObject("error").getString("code"))
        .isEqualTo("bad_request");
    assertThat(server.post(path(code, "kick"), "{\"clientId\":\"no spaces\"}", ADMIN).statusCode())
        .isEqualTo(400);
    assertThat(server.post(path(code, "kick"), "{}", ADMIN).statusCode()).isEqualTo(400);

    assertThat(lock(code, true, ADMIN).statusCode()).as("an operator").isEqualTo(200);
    assertThat(server.delete("/api/session/" + code, ADMIN).statusCode()).isEqualTo(200);
    HttpResponse<String> ended = lock(code, false, created.getString("ownerToken"));
    assertThat(ended.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(ended.body()).getJsonObject("error").getString("code"))
        .isEqualTo("session_ended");
    assertThat(kick(code, "a", ADMIN).statusCode()).isEqualTo(409);
    assertThat(session(code).getBoolean("locked")).isFalse();
  }

  /** Joins with {@code join} on a new socket, expecting {@code error kicked}; the close code. */
  private int refusedJoin(JsonObject join) {
    try (WsClient ws = server.ws()) {
      ws.send(join.copy().put("type", "join"));
      JsonObject answer = ws.next();
      assertThat(answer.getString("type")).as("answer %s", answer).isEqualTo("error");
      assertThat(answer.getString("code")).isEqualTo("kicked");
      return ws.awaitClose();
    }
  }

  private HttpResponse<String> lock(String code, boolean locked, String bearer) {
    return server.post(path(code, "lock"), new JsonObject().put("locked", locked).encode(), bearer);
  }

  private HttpResponse<String> kick(String code, String clientId, String bearer) {
    return server.post(
        path(code, "kick"), new JsonObject().put("clientId", clientId).encode(), bearer);
  }

  private JsonObject session(String code) {
    HttpResponse<String> r = server.get("/api/session/" + code);
    assertThat(r.statusCode()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private static String path(String code, String action) {
    return "/api/session/" + code + "/" + action;
  }

  static JsonObject controller(String code, String clientId) {
    return new JsonObject()
        .put("session", code)
        .put("role", "controller")
        .put("name", clientId)
        .put("clientId", clientId);
  }

  static JsonObject send(String text, String ref) {
    return new JsonObject().put("type", "send").put("text", text).put("ref", ref);
  }
}
