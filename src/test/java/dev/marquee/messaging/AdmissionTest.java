package dev.marquee.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may open a socket and how much they may send: Origin, join time-out, rate limits. */
class AdmissionTest {

  @Test
  void withoutAllowedOriginsOnlyTheServersOwnOriginOrNoneMayConnect() {
    try (TestServer server = TestServer.start()) {
      int port = server.port();
      WsClient.connect(port, Map.of("Origin", "http://127.0.0.1:" + port)).disconnect();
      WsClient.connect(port).disconnect();
      WsClient.connect(port, Map.of("Origin", "")).disconnect();
      assertThat(rejection(port, Map.of("Origin", "https://evil.example"))).isEqualTo(403);
      assertThat(rejection(port, Map.of("Origin", "http://127.0.0.1:1"))).isEqualTo(403);
    }
  }

  @Test
  void withAllowedOriginsAForeignOrMissingOriginIsRefusedBeforeUpgrade() {
    try (TestServer server =
        TestServer.start(Map.of("ALLOWED_ORIGINS", "https://show.example.com"))) {
      int port = server.port();
      WsClient.connect(port, Map.of("Origin", "https://show.example.com")).disconnect();
      assertThat(rejection(port, Map.of("Origin", "https://evil.example"))).isEqualTo(403);
      assertThat(rejection(port, Map.of("Origin", "http://127.0.0.1:" + port))).isEqualTo(403);
      assertThat(rejection(port, Map.of("Origin", ""))).as("no Origin at all").isEqualTo(403);
    }
  }

  @Test
  void aSocketThatDoesNotJoinInTimeIsClosedWith1008() {
    try (TestServer server = TestServer.start(Map.of("WS_JOIN_TIMEOUT_MS", "300"));
        WsClient idle = server.ws()) {
      assertThat(idle.awaitClose(Duration.ofSeconds(3))).isEqualTo(1008);
    }
  }

  @Test
  void aControllerOverItsLimitIsRefusedWithRetryAfterAndNothingIsDelivered() {
    try (TestServer server =
            TestServer.start(
                Map.of("RATE_LIMIT_MAX_REQUESTS", "3", "RATE_LIMIT_WINDOW_MS", "60000"));
        WsClient display = server.ws();
        WsClient controller = server.ws()) {
      String code = server.createSession().getString("code");
      display.join(code, "display", "TV");
      controller.join(code, "controller", "Alice");
      for (int i = 1; i <= 3; i++) {
        controller.send(ProtocolContract.send("ok " + i, "r" + i));
        assertThat(controller.next("ack").getString("ref")).isEqualTo("r" + i);
      }
      controller.send(ProtocolContract.send("too many", "r4"));
      JsonObject refused = controller.next("error");
      assertThat(refused.getString("code")).isEqualTo("rate_limited");
      assertThat(refused.getString("ref")).isEqualTo("r4");
      assertThat(refused.getLong("retryAfterMs")).isBetween(50_000L, 60_000L);
      for (int i = 1; i <= 3; i++) {
        assertThat(display.next("message").getLong("seq")).isEqualTo(i);
      }
      display.assertNoFrame("message", Duration.ofMillis(300));
      assertThat(server.get("/metrics").body())
          .contains("marquee_rate_limit_refusals_total{kind=\"controller\"} 1.0");
    }
  }

  @Test
  void theIpLimitCoversEveryControllerFromOneAddress() {
    try (TestServer server =
        TestServer.start(
            Map.of("RATE_LIMIT_MAX_REQUESTS", "100", "RATE_LIMIT_IP_MAX_REQUESTS", "4"))) {
      String code = server.createSession().getString("code");
      try (WsClient a = server.ws();
          WsClient b = server.ws()) {
        a.join(code, "controller", "A");
        b.join(code, "controller", "B");
        for (int i = 0; i < 2; i++) {
          a.send(ProtocolContract.send("a", "a" + i));
          a.next("ack");
          b.send(ProtocolContract.send("b", "b" + i));
          b.next("ack");
        }
        a.send(ProtocolContract.send("a", "over"));
        JsonObject refused = a.next("error");
        assertThat(refused.getString("code")).isEqualTo("rate_limited");
        assertThat(refused.getLong("retryAfterMs")).isPositive();
      }
    }
  }

  @Test
  void failedJoinsFromOneAddressAreLimited() {
    try (TestServer server = TestServer.start(Map.of("RATE_LIMIT_FAILED_JOINS_PER_IP", "2"))) {
      for (int i = 0; i < 2; i++) {
        try (WsClient guess = server.ws()) {
          guess.send(join("ZZZZZ" + (i + 2)));
          assertThat(guess.next().getString("code")).isEqualTo("session_not_found");
        }
      }
      String real = server.createSession().getString("code");
      try (WsClient locked = server.ws()) {
        locked.send(join(real));
        JsonObject refused = locked.next();
        assertThat(refused.getString("code")).isEqualTo("rate_limited");
        assertThat(refused.getLong("retryAfterMs")).isPositive();
      }
    }
  }

  @Test
  void failedJoinsLockOutOneIpv4AddressNotItsNeighbours() {
    try (TestServer server = TestServer.start(behindProxyWithFailedJoins(2))) {
      for (int i = 0; i < 2; i++) {
        assertThat(guessFrom("203.0.113.7", server, "ZZZZZ" + (i + 2)))
            .isEqualTo("session_not_found");
      }
      String real = server.createSession().getString("code");
      assertThat(joinFrom("203.0.113.7", server, real)).isEqualTo("rate_limited");
      assertThat(joinFrom("203.0.113.8", server, real)).as("same /24").isEqualTo("joined");
    }
  }

  @Test
  void failedJoinsLockOutAWholeIpv6Slash64() {
    try (TestServer server = TestServer.start(behindProxyWithFailedJoins(2))) {
      assertThat(guessFrom("2001:db8:1:2::a", server, "ZZZZZ2")).isEqualTo("session_not_found");
      assertThat(guessFrom("2001:db8:1:2:ffff::b", server, "ZZZZZ3"))
          .isEqualTo("session_not_found");
      String real = server.createSession().getString("code");
      assertThat(joinFrom("2001:db8:1:2:1234:5678:9abc:def0", server, real))
          .as("another address of the same /64")
          .isEqualTo("rate_limited");
      assertThat(joinFrom("2001:db8:1:3::a", server, real)).as("the next /64").isEqualTo("joined");
      assertThat(joinFrom("203.0.113.7", server, real)).isEqualTo("joined");
    }
  }

  /** Clients seen through a trusted proxy on 127.0.0.1, so a test can speak for any address. */
  private static Map<String, String> behindProxyWithFailedJoins(int max) {
    return Map.of(
        "RATE_LIMIT_FAILED_JOINS_PER_IP", Integer.toString(max), "TRUSTED_PROXIES", "127.0.0.1");
  }

  private static String guessFrom(String ip, TestServer server, String code) {
    try (WsClient ws = WsClient.connect(server.port(), Map.of("X-Forwarded-For", ip))) {
      ws.send(join(code));
      JsonObject answer = ws.next();
      return answer.getString("code");
    }
  }

  /** The answer to a join from {@code ip}: {@code joined}, or the error's code. */
  private static String joinFrom(String ip, TestServer server, String code) {
    try (WsClient ws = WsClient.connect(server.port(), Map.of("X-Forwarded-For", ip))) {
      ws.send(join(code));
      JsonObject answer = ws.next();
      return "joined".equals(answer.getString("type")) ? "joined" : answer.getString("code");
    }
  }

  @Test
  void newConnectionsPerAddressAreLimitedWith429() {
    try (TestServer server = TestServer.start(Map.of("RATE_LIMIT_CONNECTIONS_PER_IP", "2"))) {
      server.ws().disconnect();
      server.ws().disconnect();
      Throwable refused = catchThrowable(() -> WsClient.connect(server.port()));
      assertThat(refused).hasRootCauseInstanceOf(UpgradeRejectedException.class);
      assertThat(status(refused)).isEqualTo(429);
    }
  }

  @Test
  void permessageDeflateIsNeverNegotiated() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try (TestServer server = TestServer.start()) {
      io.vertx.core.http.WebSocket ws =
          vertx
              .createWebSocketClient(
                  new io.vertx.core.http.WebSocketClientOptions()
                      .setTryUsePerMessageCompression(true))
              .connect(server.port(), "127.0.0.1", "/ws")
              .toCompletionStage()
              .toCompletableFuture()
              .get(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(ws.headers().get("Sec-WebSocket-Extensions")).isNull();
      ws.close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(5, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      vertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(5, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static JsonObject join(String code) {
    return new JsonObject()
        .put("type", "join")
        .put("session", code)
        .put("role", "controller")
        .put("name", "Guess");
  }

  private static int rejection(int port, Map<String, String> headers) {
    Throwable e = catchThrowable(() -> WsClient.connect(port, headers));
    assertThat(e).as("the upgrade must be refused").isNotNull();
    return status(e);
  }

  private static int status(Throwable e) {
    Throwable t = e;
    while (t != null && !(t instanceof UpgradeRejectedException)) {
      t = t.getCause();
    }
    assertThat(t).as("an HTTP refusal of the upgrade: %s", e).isNotNull();
    return ((UpgradeRejectedException) t).getStatus();
  }
}
