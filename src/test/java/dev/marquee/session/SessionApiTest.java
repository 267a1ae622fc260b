package dev.marquee.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The session endpoints of PROTOCOL.md: shapes, status codes, auth, errors. */
class SessionApiTest {
  static final String ADMIN = "admin-token-for-tests-0123456789";
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("ADMIN_TOKEN", ADMIN));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void createAnswersTheSessionWithItsOwnerTokenOnce() {
    HttpResponse<String> r = server.post("/api/session", "{\"title\":\"Lobby screen\"}");
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> v.startsWith("application/json"));
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("code")).matches("[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}");
    assertThat(body.getString("title")).isEqualTo("Lobby screen");
    assertThat(body.getString("ownerToken")).hasSizeGreaterThanOrEqualTo(40);
    assertThat(body.getString("epoch")).isNotBlank();
    Instant created = Instant.parse(body.getString("createdAt"));
    assertThat(Duration.between(created, Instant.parse(body.getString("expiresAt"))))
        .isEqualTo(Duration.ofHours(24));

    JsonObject view = new JsonObject(server.get("/api/session/" + body.getString("code")).body());
    assertThat(view.fieldNames())
        .contains(
            "code",
            "title",
            "createdAt",
            "expiresAt",
            "lastActivityAt",
            "endedAt",
            "lastSeq",
            "epoch",
            "presence")
        .doesNotContain("ownerToken");
    assertThat(view.getLong("lastSeq")).isZero();
    assertThat(view.getJsonObject("presence").getInteger("controller")).isZero();
    assertThat(view.getJsonObject("presence").getInteger("display")).isZero();
  }

  @Test
  void aBodyIsOptionalButMustBeValid() {
    assertThat(server.post("/api/session", "").statusCode()).isEqualTo(201);
    assertBadRequest(server.post("/api/session", "{not json"));
    assertBadRequest(server.post("/api/session", "{\"title\":42}"));
    assertBadRequest(server.post("/api/session", "{\"title\":\"" + "t".repeat(101) + "\"}"));
    // PostgreSQL cannot store U+0000, and a lone surrogate is not Unicode: refused, not half-made.
    assertBadRequest(server.post("/api/session", "{\"title\":\"a\\u0000b\"}"));
    assertBadRequest(server.post("/api/session", "{\"title\":\"a\\ud800b\"}"));
    assertThat(server.post("/api/session", "{\"title\":\"caf\u00e9 \\ud83c\\udf89\"}").statusCode())
        .isEqualTo(201);
  }

  @Test
  void codesAreCaseInsensitiveAndIgnoreSpacesAndDashes() {
    String code = server.createSession().getString("code");
    String messy = code.substring(0, 3).toLowerCase() + "-" + code.substring(3).toLowerCase();
    HttpResponse<String> r = server.get("/api/session/" + messy);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getString("code")).isEqualTo(code);
  }

  @Test
  void unknownSessionsAre404WithAnErrorBody() {
    HttpResponse<String> r = server.get("/api/session/ZZZZZZ");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code"))
        .isEqualTo("session_not_found");
    assertThat(server.get("/api/session/not-a-code").statusCode()).isEqualTo(404);
    assertThat(server.delete("/api/session/ZZZZZZ", ADMIN).statusCode()).isEqualTo(404);
  }

  @Test
  void onlyTheOwnerOrAnAdminMayEndASession() {
    JsonObject created = server.createSession();
    String path = "/api/session/" + created.getString("code");

    HttpResponse<String> none = server.delete(path, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(errorCode(none)).isEqualTo("unauthorized");
    HttpResponse<String> wrong = server.delete(path, "not-the-token");
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(errorCode(wrong)).isEqualTo("forbidden");
    String otherOwner = server.createSession().getString("ownerToken");
    assertThat(server.delete(path, otherOwner).statusCode()).isEqualTo(403);

    HttpResponse<String> ended = server.delete(path, created.getString("ownerToken"));
    assertThat(ended.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ended.body()).getString("endedAt")).isNotNull();
    HttpResponse<String> again = server.delete(path, created.getString("ownerToken"));
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(errorCode(again)).isEqualTo("session_ended");

    JsonObject view = new JsonObject(server.get(path).body());
    assertThat(view.getString("endedAt")).isNotNull();
    assertThat(view.getString("endReason")).isEqualTo("closed");

    JsonObject another = server.createSession();
    assertThat(server.delete("/api/session/" + another.getString("code"), ADMIN).statusCode())
        .isEqualTo(200);
  }

  @Test
  void unknownEndpointsAnswerJson404() {
    HttpResponse<String> r = server.get("/api/nothing-here");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(errorCode(r)).isEqualTo("not_found");
  }

  @Test
  void oversizedBodiesAre413() {
    HttpResponse<String> r =
        server.post("/api/session", "{\"title\":\"" + "x".repeat(70_000) + "\"}");
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(errorCode(r)).isEqualTo("too_large");
  }

  private static void assertBadRequest(HttpResponse<String> r) {
    assertThat(r.statusCode()).isEqualTo(400);
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("bad_request");
    assertThat(error.getString("message")).isNotBlank();
  }

  private static String errorCode(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonObject("error").getString("code");
  }
}
