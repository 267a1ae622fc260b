package dev.marquee.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestJwt;
import dev.marquee.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Without JWT settings nothing changes: a JWT is ignored where it always was, cannot end a session,
 * and the user endpoints say accounts are off (404 {@code auth_not_configured}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountsOffTest {
  TestServer server;
  final String jwt =
      TestJwt.hs256(
          "a-test-jwt-secret-of-at-least-32-characters",
          TestJwt.claims(UUID.randomUUID().toString(), "Ana"));

  @BeforeAll
  void start() {
    server = TestServer.start(Map.of());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void theUserEndpointsExplainThatAccountsAreOff() {
    for (HttpResponse<String> r :
        java.util.List.of(
            server.get("/api/me/sessions", jwt),
            server.get("/api/me/sessions"),
            server.get("/api/me", jwt))) {
      assertThat(r.statusCode()).isEqualTo(404);
      JsonObject error = new JsonObject(r.body()).getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("auth_not_configured");
      assertThat(error.getString("message")).contains("JWT_SECRET").contains("JWT_JWKS_URL");
    }
  }

  @Test
  void aJwtCreatesAnAnonymousSessionThatOnlyItsOwnerTokenEnds() {
    HttpResponse<String> created = server.post("/api/session", "{}", jwt);
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject session = new JsonObject(created.body());
    assertThat(session.containsKey("ownerProfileId")).isFalse();
    String code = session.getString("code");
    HttpResponse<String> refused = server.delete("/api/session/" + code, jwt);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(server.delete("/api/session/" + code, session.getString("ownerToken")).statusCode())
        .isEqualTo(200);
  }
}
