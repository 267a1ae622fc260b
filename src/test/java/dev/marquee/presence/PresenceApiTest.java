package dev.marquee.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.MutableClock;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The six presence endpoints, with members over WebSocket and over HTTP only. */
class PresenceApiTest {
  static final MutableClock clock = new MutableClock(Instant.now());
  static TestServer server;

  @BeforeAll
  static void start() {
    // Sessions stay open for the hour of moved time these tests need.
    server =
        TestServer.start(
            Map.of(
                "SESSION_SWEEP_INTERVAL_MS", "20",
                "INACTIVITY_TIMEOUT", "7200000",
                "INACTIVITY_WARNING_THRESHOLD", "3600000"),
            clock);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void httpMembersAreCountedListedAndAnnouncedLikeSocketMembers() {
    String code = server.createSession().getString("code");
    try (WsClient display = server.ws()) {
      display.join(code, "display", "TV");
      HttpResponse<String> joined =
          server.post(
              "/api/session/" + code + "/presence/join",
              "{\"clientId\":\"poll-1\",\"name\":\"Poller\",\"role\":\"display\"}");
      assertThat(joined.statusCode()).isEqualTo(200);
      JsonObject user = new JsonObject(joined.body());
      assertThat(user.getString("clientId")).isEqualTo("poll-1");
      assertThat(user.getString("via")).isEqualTo("http");
      assertThat(user.getBoolean("idle")).isFalse();

      JsonObject event = display.next("presence");
      assertThat(event.getString("event")).isEqualTo("join");
      assertThat(event.getJsonObject("user").getString("clientId")).isEqualTo("poll-1");
      assertThat(event.getJsonObject("counts").getInteger("display")).isEqualTo(2);

      JsonObject counts = get("/api/session/" + code + "/presence");
      assertThat(counts.getInteger("online")).isEqualTo(2);
      assertThat(counts.getInteger("display")).isEqualTo(2);
      assertThat(counts.getInteger("controller")).isZero();
      assertThat(counts.getInteger("idle")).isZero();

      var users = get("/api/session/" + code + "/presence/users").getJsonArray("users");
      assertThat(users).hasSize(2);
      assertThat(users.getJsonObject(0).getString("via")).isEqualTo("ws");
      assertThat(users.getJsonObject(1).getString("via")).isEqualTo("http");
      assertThat(users.getJsonObject(1).getString("joinedAt")).endsWith("Z");

      assertThat(
              server
                  .post("/api/session/" + code + "/presence/activity", "{\"clientId\":\"poll-1\"}")
                  .statusCode())
          .isEqualTo(200);
      HttpResponse<String> left =
          server.post("/api/session/" + code + "/presence/leave", "{\"clientId\":\"poll-1\"}");
      assertThat(new JsonObject(left.body()).getBoolean("left")).isTrue();
      JsonObject leave = display.next("presence");
      assertThat(leave.getString("event")).isEqualTo("leave");
      assertThat(leave.getJsonObject("counts").getInteger("display")).isEqualTo(1);
    }
  }

  @Test
  void anHttpMemberThatStopsKeepingAliveGoesIdleThenIsRemoved() {
    String code = server.createSession().getString("code");
    try (WsClient display = server.ws()) {
      display.join(code, "display", "TV");
      server.post(
          "/api/session/" + code + "/presence/join",
          "{\"clientId\":\"poll-2\",\"name\":\"Poller\",\"role\":\"controller\"}");
      display.next("presence");
      for (int minute = 0; minute < 6; minute++) {
        clock.advance(Duration.ofMinutes(1));
        display.send(new JsonObject().put("type", "ping"));
        display.next("pong");
      }
      JsonObject idle = display.next("presence");
      assertThat(idle.getString("event")).isEqualTo("idle");
      assertThat(idle.getJsonObject("user").getString("clientId")).isEqualTo("poll-2");
      assertThat(get("/api/session/" + code + "/presence").getInteger("idle")).isEqualTo(1);

      for (int minute = 6; minute < 31; minute++) {
        clock.advance(Duration.ofMinutes(1));
        display.send(new JsonObject().put("type", "ping"));
        display.next("pong");
      }
      JsonObject gone = display.next("presence");
      assertThat(gone.getString("event")).isEqualTo("leave");
      assertThat(gone.getString("reason")).isEqualTo("idle");
      assertThat(get("/api/session/" + code + "/presence").getInteger("online")).isEqualTo(1);
      assertThat(
              server
                  .post("/api/session/" + code + "/presence/activity", "{\"clientId\":\"poll-2\"}")
                  .statusCode())
          .isEqualTo(404);
    }
  }

  @Test
  void aSocketMemberThatGoesQuietIsIdleAndIsActiveAgainWhenItSpeaks() {
    String code = server.createSession().getString("code");
    try (WsClient quiet = server.ws();
        WsClient watcher = server.ws()) {
      quiet.join(code, "display", "Quiet TV");
      watcher.join(code, "display", "Watcher");
      for (int minute = 0; minute < 6; minute++) {
        clock.advance(Duration.ofMinutes(1));
        watcher.send(new JsonObject().put("type", "ping"));
        watcher.next("pong");
      }
      JsonObject idle = watcher.next("presence");
      while (!"idle".equals(idle.getString("event"))) {
        idle = watcher.next("presence");
      }
      assertThat(idle.getJsonObject("user").getString("name")).isEqualTo("Quiet TV");

      quiet.send(new JsonObject().put("type", "ping"));
      quiet.next("pong");
      JsonObject active = watcher.next("presence");
      assertThat(active.getString("event")).isEqualTo("active");
      assertThat(active.getJsonObject("user").getString("name")).isEqualTo("Quiet TV");
    }
  }

  @Test
  void theOwnerCanRemoveIdleMembersAtOnce() {
    JsonObject created = server.createSession();
    String code = created.getString("code");
    server.post(
        "/api/session/" + code + "/presence/join",
        "{\"clientId\":\"quiet\",\"name\":\"Quiet\",\"role\":\"display\"}");
    clock.advance(Duration.ofMinutes(6));
    server.post(
        "/api/session/" + code + "/presence/join",
        "{\"clientId\":\"fresh\",\"name\":\"Fresh\",\"role\":\"display\"}");

    String path = "/api/session/" + code + "/presence/cleanup";
    assertThat(server.post(path, "").statusCode()).isEqualTo(401);
    HttpResponse<String> done = server.postWithToken(path, created.getString("ownerToken"));
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(done.body()).getInteger("removed")).isEqualTo(1);
    var users = get("/api/session/" + code + "/presence/users").getJsonArray("users");
    assertThat(users).hasSize(1);
    assertThat(users.getJsonObject(0).getString("clientId")).isEqualTo("fresh");
  }

  @Test
  void badInputAndUnknownOrEndedSessionsGetClearErrors() {
    JsonObject created = server.createSession();
    String code = created.getString("code");
    String join = "/api/session/" + code + "/presence/join";
    assertThat(server.post(join, "{\"name\":\"x\",\"role\":\"judge\"}").statusCode())
        .isEqualTo(400);
    assertThat(server.post(join, "{\"role\":\"display\"}").statusCode()).isEqualTo(400);
    assertThat(
            server
                .post(join, "{\"name\":\"x\",\"role\":\"display\",\"clientId\":\"a b\"}")
                .statusCode())
        .isEqualTo(400);
    assertThat(server.post("/api/session/" + code + "/presence/leave", "{}").statusCode())
        .isEqualTo(400);
    assertThat(server.get("/api/session/ZZZZZZ/presence").statusCode()).isEqualTo(404);
    server.delete("/api/session/" + code, created.getString("ownerToken"));
    assertThat(server.get("/api/session/" + code + "/presence").statusCode()).isEqualTo(409);
  }

  private static JsonObject get(String path) {
    HttpResponse<String> r = server.get(path);
    assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }
}
