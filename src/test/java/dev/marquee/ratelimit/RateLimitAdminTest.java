package dev.marquee.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The admin rate-limit API, and the limit on the HTTP API itself. */
class RateLimitAdminTest {
  static final String ADMIN = "admin-token-for-tests-0123456789";

  @Test
  void operatorsSeeRefusalsAndCanUnblockAController() throws Exception {
    try (TestServer server =
            TestServer.start(Map.of("ADMIN_TOKEN", ADMIN, "RATE_LIMIT_MAX_REQUESTS", "1"));
        WsClient controller = server.ws()) {
      String code = server.createSession().getString("code");
      controller.join(
          new JsonObject()
              .put("session", code)
              .put("role", "controller")
              .put("name", "A")
              .put("clientId", "noisy"));
      controller.send(new JsonObject().put("type", "send").put("text", "1"));
      controller.next("ack");
      controller.send(new JsonObject().put("type", "send").put("text", "2"));
      assertThat(controller.next("error").getString("code")).isEqualTo("rate_limited");

      assertThat(server.get("/api/admin/ratelimit").statusCode()).isEqualTo(401);
      assertThat(admin(server, "GET", "/api/admin/ratelimit", null, "wrong-token").statusCode())
          .isEqualTo(403);
      JsonObject stats =
          new JsonObject(admin(server, "GET", "/api/admin/ratelimit", null, ADMIN).body());
      assertThat(stats.getJsonObject("refusals").getLong("controller")).isEqualTo(1);
      JsonObject top = stats.getJsonArray("mostLimited").getJsonObject(0);
      assertThat(top.getString("kind")).isEqualTo("controller");
      assertThat(top.getString("key")).isEqualTo("noisy");

      HttpResponse<String> reset =
          admin(
              server,
              "POST",
              "/api/admin/ratelimit/reset",
              "{\"kind\":\"controller\",\"key\":\"noisy\"}",
              ADMIN);
      assertThat(reset.statusCode()).isEqualTo(200);
      controller.send(new JsonObject().put("type", "send").put("text", "3"));
      assertThat(controller.next("ack").getLong("seq")).isEqualTo(2);

      assertThat(
              admin(server, "POST", "/api/admin/ratelimit/reset", "{\"kind\":\"x\"}", ADMIN)
                  .statusCode())
          .isEqualTo(400);
    }
  }

  @Test
  void theAdminApiIsOffWithoutAnAdminToken() throws Exception {
    try (TestServer server = TestServer.start()) {
      assertThat(admin(server, "GET", "/api/admin/ratelimit", null, "anything").statusCode())
          .isEqualTo(403);
    }
  }

  @Test
  void theHttpApiIsLimitedPerClientAddressWithRetryAfter() throws Exception {
    try (TestServer server =
        TestServer.start(
            Map.of("RATE_LIMIT_HTTP_PER_IP", "3", "TRUSTED_PROXIES", "127.0.0.1/32"))) {
      for (int i = 0; i < 3; i++) {
        assertThat(get(server, "/api/session/ZZZZZZ", "203.0.113.1").statusCode()).isEqualTo(404);
      }
      HttpResponse<String> limited = get(server, "/api/session/ZZZZZZ", "203.0.113.1");
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After"))
          .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
      assertThat(new JsonObject(limited.body()).getJsonObject("error").getString("code"))
          .isEqualTo("rate_limited");
      assertThat(get(server, "/api/session/ZZZZZZ", "203.0.113.2").statusCode())
          .as("another client behind the trusted proxy has its own budget")
          .isEqualTo(404);
      assertThat(server.get("/health/ready").statusCode())
          .as("probes are not limited")
          .isEqualTo(200);
    }
  }

  private static HttpResponse<String> get(TestServer server, String path, String forwardedFor)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("X-Forwarded-For", forwardedFor)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> admin(
      TestServer server, String method, String path, String body, String token) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(
                    method,
                    body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
