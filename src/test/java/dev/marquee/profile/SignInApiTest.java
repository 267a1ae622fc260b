package dev.marquee.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.JwksServer;
import dev.marquee.testing.TestJwt;
import dev.marquee.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A server with accounts on, its keys from a JWKS on loopback (RS256) plus an HS256 secret, the
 * issuer checked: a bad token is a 401 JSON error on every endpoint that reads it, and a good one
 * of either kind signs the user in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInApiTest {
  static final String SECRET = "a-test-jwt-secret-of-at-least-32-characters";
  static final String ISSUER = "https://project.supabase.co/auth/v1";

  final KeyPair rsa = TestJwt.rsaKey();
  JwksServer jwks;
  TestServer server;

  @BeforeAll
  void start() {
    jwks = JwksServer.start(List.of(TestJwt.jwk(rsa, "rsa-1")));
    server =
        TestServer.start(
            Map.of(
                "JWT_JWKS_URL", jwks.url(),
                "JWT_SECRET", SECRET,
                "JWT_ISSUER", ISSUER));
  }

  @AfterAll
  void stop() {
    server.close();
    jwks.close();
  }

  static JsonObject claims(UUID user, String name) {
    return TestJwt.claims(user.toString(), name).put("iss", ISSUER);
  }

  String rs256(JsonObject claims) {
    return TestJwt.signed("RS256", rsa.getPrivate(), "rsa-1", claims);
  }

  @Test
  void aJwksSignedTokenCreatesListsAndEndsASession() {
    UUID user = UUID.randomUUID();
    String jwt = rs256(claims(user, "Rui"));
    HttpResponse<String> created = server.post("/api/session", "{\"title\":\"Keys\"}", jwt);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String code = new JsonObject(created.body()).getString("code");

    HttpResponse<String> me = server.get("/api/me", jwt);
    assertThat(new JsonObject(me.body()).getString("displayName")).isEqualTo("Rui");
    HttpResponse<String> mine = server.get("/api/me/sessions", jwt);
    assertThat(
            new JsonObject(mine.body()).getJsonArray("sessions").getJsonObject(0).getString("code"))
        .isEqualTo(code);

    // The creator's JWT locks and kicks like the owner token; someone else's does not.
    String lock = "/api/session/" + code + "/lock";
    String other = rs256(claims(UUID.randomUUID(), "Eve"));
    assertThat(server.post(lock, "{\"locked\":true}", other).statusCode()).isEqualTo(403);
    assertThat(server.post(lock, "{\"locked\":true}", jwt).statusCode()).isEqualTo(200);
    String kick = "/api/session/" + code + "/kick";
    assertThat(server.post(kick, "{\"clientId\":\"c-1\"}", other).statusCode()).isEqualTo(403);
    assertThat(server.post(kick, "{\"clientId\":\"c-1\"}", jwt).statusCode()).isEqualTo(200);

    // The same user signed in through the HS256 secret is the same owner.
    String viaSecret = TestJwt.hs256(SECRET, claims(user, "Rui"));
    assertThat(server.delete("/api/session/" + code, viaSecret).statusCode()).isEqualTo(200);
  }

  @Test
  void everyKindOfBadTokenIsA401OnEveryEndpointThatReadsIt() {
    String code = server.createSession().getString("code");
    long now = Instant.now().getEpochSecond();
    UUID user = UUID.randomUUID();
    Map<String, String> bad =
        Map.of(
            "expired",
            rs256(claims(user, "X").put("iat", now - 7200).put("exp", now - 3600)),
            "wrong audience",
            rs256(claims(user, "X").put("aud", "anon")),
            "wrong issuer",
            rs256(claims(user, "X").put("iss", "https://other.supabase.co/auth/v1")),
            "bad signature",
            TestJwt.signed("RS256", TestJwt.rsaKey().getPrivate(), "rsa-1", claims(user, "X")),
            "wrong secret",
            TestJwt.hs256("another-secret-of-at-least-32-characters!!", claims(user, "X")),
            "unsigned",
            TestJwt.unsigned(claims(user, "X"), "c2ln"),
            "garbage",
            "eyJnYXJiYWdl.eyJnYXJiYWdl.Z2FyYmFnZQ",
            "subject not a uuid",
            rs256(claims(user, "X").put("sub", "42")));
    bad.forEach(
        (what, token) -> {
          for (HttpResponse<String> r :
              List.of(
                  server.get("/api/me/sessions", token),
                  server.get("/api/me", token),
                  server.post("/api/session", "{}", token),
                  server.delete("/api/session/" + code, token))) {
            assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(401);
            JsonObject error = new JsonObject(r.body()).getJsonObject("error");
            assertThat(error.getString("code")).as(what).isEqualTo("invalid_token");
            assertThat(error.getString("message")).as(what).isNotBlank();
          }
        });
    assertThat(new JsonObject(server.get("/api/session/" + code).body()).getString("endedAt"))
        .isNull();
  }

  /** Every event of a debug-level run, its arguments and causes included, is free of tokens. */
  @Test
  void tokensNeverReachTheLogs() {
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ROOT");
    ch.qos.logback.classic.Level was = root.getLevel();
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
        new ch.qos.logback.core.read.ListAppender<>();
    events.start();
    root.addAppender(events);
    root.setLevel(ch.qos.logback.classic.Level.DEBUG);
    List<String> tokens;
    try {
      UUID user = UUID.randomUUID();
      tokens =
          List.of(
              rs256(claims(user, "Log")),
              rs256(claims(user, "Log").put("aud", "anon")),
              TestJwt.hs256("another-secret-of-at-least-32-characters!!", claims(user, "X")),
              "eyJnYXJiYWdl.eyJnYXJiYWdl.Z2FyYmFnZQ");
      for (String token : tokens) {
        String code = server.post("/api/session", "{}", token).body();
        server.get("/api/me/sessions", token);
        server.delete("/api/session/" + new JsonObject(code).getString("code", "222222"), token);
      }
    } finally {
      root.setLevel(was);
      root.detachAppender(events);
    }
    assertThat(events.list).anySatisfy(e -> assertThat(e.getMessage()).isEqualTo("jwt rejected"));
    for (ch.qos.logback.classic.spi.ILoggingEvent e : events.list) {
      StringBuilder all = new StringBuilder(e.getFormattedMessage());
      if (e.getArgumentArray() != null) {
        for (Object arg : e.getArgumentArray()) {
          all.append(' ').append(arg);
        }
      }
      for (var cause = e.getThrowableProxy(); cause != null; cause = cause.getCause()) {
        all.append(' ').append(cause.getMessage());
      }
      for (String token : tokens) {
        for (String part : token.split("\\.")) {
          assertThat(all.toString()).doesNotContain(part);
        }
      }
    }
  }

  @Test
  void theUsersOwnListNeedsASignIn() {
    HttpResponse<String> none = server.get("/api/me/sessions");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(none.body()).getJsonObject("error").getString("code"))
        .isEqualTo("unauthorized");
    String ownerToken = server.createSession().getString("ownerToken");
    HttpResponse<String> notJwt = server.get("/api/me/sessions", ownerToken);
    assertThat(notJwt.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(notJwt.body()).getJsonObject("error").getString("code"))
        .isEqualTo("invalid_token");
  }

  @Test
  void aBearerThatIsNotAJwtLeavesSessionCreationAnonymous() {
    HttpResponse<String> r = server.post("/api/session", "{}", "some-opaque-token");
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(new JsonObject(r.body()).containsKey("ownerProfileId")).isFalse();
  }
}
