package dev.marquee.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestJwt;
import dev.marquee.testing.TestPostgres;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sessions owned by signed-in users (docs/auth.md), on a whole server whose engine the subclass
 * chooses: a JWT creates a session that is its user's, listed for them and ended by them alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SessionOwnershipContract {
  static final String SECRET = "a-test-jwt-secret-of-at-least-32-characters";

  TestServer server;

  /** The engine's variables (empty for the memory engine). */
  abstract Map<String, String> engineEnv();

  @BeforeAll
  void start() {
    Map<String, String> env = new HashMap<>(engineEnv());
    env.put("JWT_SECRET", SECRET);
    server = TestServer.start(env);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  static String token(UUID user, String name) {
    return TestJwt.hs256(SECRET, TestJwt.claims(user.toString(), name));
  }

  @Test
  void aSignedInUserCreatesListsAndEndsTheirSessionWithTheJwtAlone() throws SQLException {
    UUID ana = UUID.randomUUID();
    String jwt = token(ana, "Ana Lima");

    HttpResponse<String> created = server.post("/api/session", "{\"title\":\"Quiz\"}", jwt);
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject session = new JsonObject(created.body());
    String code = session.getString("code");
    assertThat(session.getString("ownerToken")).isNotBlank();
    assertThat(session.getString("ownerProfileId")).isEqualTo(ana.toString());
    assertThat(row("SELECT display_name FROM profiles WHERE id = '" + ana + "'"))
        .isEqualTo("Ana Lima");
    assertThat(row("SELECT owner_profile_id::text FROM sessions WHERE code = '" + code + "'"))
        .isEqualTo(ana.toString());

    JsonObject listed = mySessions(jwt, "");
    assertThat(listed.getJsonArray("sessions")).hasSize(1);
    JsonObject entry = listed.getJsonArray("sessions").getJsonObject(0);
    assertThat(entry.getString("code")).isEqualTo(code);
    assertThat(entry.getString("title")).isEqualTo("Quiz");
    assertThat(entry.getString("createdAt")).isEqualTo(session.getString("createdAt"));
    assertThat(entry.getBoolean("live")).isTrue();
    assertThat(entry.getString("endedAt")).isNull();
    assertThat(entry.getString("endReason")).isNull();
    assertThat(listed.getBoolean("hasMore")).isFalse();

    try (WsClient display = server.ws()) {
      display.join(code, "display", "TV");
      HttpResponse<String> ended = server.delete("/api/session/" + code, jwt);
      assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
      assertThat(display.next("ended").getString("reason")).isEqualTo("closed");
    }

    JsonObject after = mySessions(jwt, "").getJsonArray("sessions").getJsonObject(0);
    assertThat(after.getBoolean("live")).isFalse();
    assertThat(after.getString("endReason")).isEqualTo("closed");
    assertThat(after.getString("endedAt")).isNotNull();
    assertThat(server.delete("/api/session/" + code, jwt).statusCode()).isEqualTo(409);
  }

  @Test
  void someoneElsesJwtCannotEndTheSession() {
    String owner = token(UUID.randomUUID(), "Owner");
    String other = token(UUID.randomUUID(), "Other");
    JsonObject session = new JsonObject(server.post("/api/session", "{}", owner).body());
    String code = session.getString("code");

    HttpResponse<String> refused = server.delete("/api/session/" + code, other);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(error(refused).getString("code")).isEqualTo("forbidden");
    assertThat(new JsonObject(server.get("/api/session/" + code).body()).getString("endedAt"))
        .isNull();
    assertThat(mySessions(other, "").getJsonArray("sessions")).isEmpty();

    String anonymous = server.createSession().getString("code");
    assertThat(server.delete("/api/session/" + anonymous, owner).statusCode()).isEqualTo(403);
  }

  @Test
  void theCreatorsJwtWorksForEveryOwnerAction() {
    String jwt = token(UUID.randomUUID(), "Fay");
    String other = token(UUID.randomUUID(), "Gus");
    String code = new JsonObject(server.post("/api/session", "{}", jwt).body()).getString("code");
    assertThat(server.delete("/api/session/" + code + "/history", other).statusCode())
        .isEqualTo(403);
    assertThat(server.delete("/api/session/" + code + "/history", jwt).statusCode()).isEqualTo(200);
    assertThat(
            server.postWithToken("/api/session/" + code + "/presence/cleanup", other).statusCode())
        .isEqualTo(403);
    assertThat(server.postWithToken("/api/session/" + code + "/presence/cleanup", jwt).statusCode())
        .isEqualTo(200);
  }

  @Test
  void theOwnerTokenStillEndsASessionASignedInUserCreated() {
    String jwt = token(UUID.randomUUID(), "Bea");
    JsonObject session = new JsonObject(server.post("/api/session", "{}", jwt).body());
    HttpResponse<String> ended =
        server.delete("/api/session/" + session.getString("code"), session.getString("ownerToken"));
    assertThat(ended.statusCode()).isEqualTo(200);
  }

  @Test
  void anonymousSessionsWorkAsBeforeAndBelongToNobody() throws SQLException {
    HttpResponse<String> created = server.post("/api/session", "{\"title\":\"Open\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject session = new JsonObject(created.body());
    assertThat(session.containsKey("ownerProfileId")).isFalse();
    String code = session.getString("code");
    assertThat(row("SELECT owner_profile_id FROM sessions WHERE code = '" + code + "'")).isNull();
    assertThat(server.delete("/api/session/" + code, null).statusCode()).isEqualTo(401);
    assertThat(server.delete("/api/session/" + code, "not-the-token").statusCode()).isEqualTo(403);
    assertThat(server.delete("/api/session/" + code, session.getString("ownerToken")).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aUsersSessionsAreListedNewestFirstInPages() {
    String jwt = token(UUID.randomUUID(), "Cal");
    String[] codes = new String[3];
    for (int i = 0; i < 3; i++) {
      codes[i] =
          new JsonObject(server.post("/api/session", "{\"title\":\"S" + i + "\"}", jwt).body())
              .getString("code");
    }
    JsonObject first = mySessions(jwt, "?limit=2");
    assertThat(codes(first.getJsonArray("sessions"))).containsExactly(codes[2], codes[1]);
    assertThat(first.getBoolean("hasMore")).isTrue();
    assertThat(first.getInteger("page")).isEqualTo(1);
    JsonObject second = mySessions(jwt, "?limit=2&page=2");
    assertThat(codes(second.getJsonArray("sessions"))).containsExactly(codes[0]);
    assertThat(second.getBoolean("hasMore")).isFalse();

    assertThat(server.get("/api/me/sessions?limit=0", jwt).statusCode()).isEqualTo(400);
    assertThat(server.get("/api/me/sessions?limit=101", jwt).statusCode()).isEqualTo(400);
    assertThat(server.get("/api/me/sessions?page=x", jwt).statusCode()).isEqualTo(400);
  }

  @Test
  void theProfileFollowsTheNameInTheTokenButIsNotRewrittenWhileItIsTheSame() throws SQLException {
    UUID dee = UUID.randomUUID();
    assertThat(server.get("/api/me", token(dee, "Dee")).statusCode()).isEqualTo(200);
    String written = row("SELECT updated_at::text FROM profiles WHERE id = '" + dee + "'");

    HttpResponse<String> again = server.get("/api/me", token(dee, "Dee"));
    assertThat(new JsonObject(again.body()))
        .isEqualTo(new JsonObject().put("id", dee.toString()).put("displayName", "Dee"));
    assertThat(row("SELECT updated_at::text FROM profiles WHERE id = '" + dee + "'"))
        .isEqualTo(written);

    server.get("/api/me", token(dee, "Dee Renamed"));
    assertThat(row("SELECT display_name FROM profiles WHERE id = '" + dee + "'"))
        .isEqualTo("Dee Renamed");
  }

  @Test
  void aProfileDeletedWhileRememberedIsWrittenAgainForItsNextSession() throws SQLException {
    UUID eve = UUID.randomUUID();
    String jwt = token(eve, "Eve");
    String first = new JsonObject(server.post("/api/session", "{}", jwt).body()).getString("code");
    execute("DELETE FROM profiles WHERE id = '" + eve + "'");
    assertThat(row("SELECT owner_profile_id FROM sessions WHERE code = '" + first + "'")).isNull();

    HttpResponse<String> created = server.post("/api/session", "{}", jwt);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(row("SELECT display_name FROM profiles WHERE id = '" + eve + "'")).isEqualTo("Eve");
    assertThat(codes(mySessions(jwt, "").getJsonArray("sessions")))
        .containsExactly(new JsonObject(created.body()).getString("code"));
  }

  JsonObject mySessions(String jwt, String query) {
    HttpResponse<String> r = server.get("/api/me/sessions" + query, jwt);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  static java.util.List<String> codes(JsonArray sessions) {
    return sessions.stream().map(o -> ((JsonObject) o).getString("code")).toList();
  }

  static JsonObject error(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonObject("error");
  }

  String row(String sql) throws SQLException {
    try (Connection c = TestPostgres.connect(server.database());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : "<no row>";
    }
  }

  void execute(String sql) throws SQLException {
    try (Connection c = TestPostgres.connect(server.database());
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
