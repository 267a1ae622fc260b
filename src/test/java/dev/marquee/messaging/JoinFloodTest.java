package dev.marquee.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.marquee.testing.Eventually;
import dev.marquee.testing.RawWebSocket;
import dev.marquee.testing.TestRedis;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Joins in bulk: many on one socket before the first is answered, and many sockets at once up to
 * the connection limit. Each gets its documented answer, and the sessions' other members notice
 * nothing ({@link Bystanders}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JoinFloodTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private TestServer server;

  @BeforeAll
  void start() {
    server = Bystanders.unlimitedServer();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aJoinFloodOnOneSocketJoinsItOnce() {
    joinFlood(server);
  }

  @Test
  void aJoinFloodOnOneSocketJoinsItOnceOnTheRedisEngine() {
    Map<String, String> env = new HashMap<>(TestRedis.engineEnv());
    env.put("RATE_LIMIT_FAILED_JOINS_PER_IP", "100000");
    try (TestServer redis = TestServer.start(env)) {
      joinFlood(redis);
    }
  }

  /**
   * Joins sent back to back, before the first is answered, to three sessions: the first wins, every
   * other one is {@code bad_request}, and the socket is a member of one session only, once.
   */
  private static void joinFlood(TestServer server) {
    try (Bystanders b = new Bystanders(server);
        RawWebSocket flood = RawWebSocket.connect(server.port())) {
      String third = server.createSession().getString("code");
      int joins = 40;
      List<String> frames = new ArrayList<>();
      for (int i = 0; i < joins; i++) {
        String target = i % 3 == 0 ? b.code : i % 3 == 1 ? b.otherCode : third;
        frames.add(
            new JsonObject()
                .put("type", "join")
                .put("session", target)
                .put("role", "controller")
                .put("clientId", "flood-" + i)
                .put("name", "Flood")
                .encode());
      }
      flood.sendTexts(frames);
      List<JsonObject> answers = new ArrayList<>();
      for (int i = 0; i < joins; i++) {
        answers.add(new JsonObject(flood.nextText()));
      }
      List<JsonObject> joined =
          answers.stream().filter(a -> "joined".equals(a.getString("type"))).toList();
      assertThat(joined).as("answers: %s", answers).hasSize(1);
      assertThat(answers)
          .filteredOn(a -> "error".equals(a.getString("type")))
          .extracting(a -> a.getString("code"))
          .hasSize(joins - 1)
          .containsOnly("bad_request");
      assertThat(joined.get(0).getString("session")).isEqualTo(b.code);
      assertThat(joined.get(0).getString("clientId")).isEqualTo("flood-0");
      // Present in its session once, in no other.
      assertThat(controllers(server, b.code)).isEqualTo(2);
      assertThat(controllers(server, b.otherCode)).isEqualTo(1);
      assertThat(controllers(server, third)).isZero();
      b.untouched("a join flood on one socket");
      JsonObject message = new JsonObject(flood.nextText());
      assertThat(message.getString("text")).startsWith("after a join flood");
      flood.disconnect();
      Eventually.until(WAIT, () -> controllers(server, b.code) == 1, "the flooder to leave");
      assertThat(controllers(server, b.otherCode)).isEqualTo(1);
      assertThat(controllers(server, third)).isZero();
    }
  }

  private static int controllers(TestServer server, String code) {
    var r = server.get("/api/session/" + code + "/presence");
    assertThat(r.statusCode()).isEqualTo(200);
    return new JsonObject(r.body()).getInteger("controller");
  }

  @Test
  void manySocketsJoiningAtOnceAreAllAdmittedUpToTheConnectionLimit() {
    int limit = 40;
    try (TestServer limited =
        TestServer.start(
            Map.of(
                "RATE_LIMIT_CONNECTIONS_PER_IP",
                String.valueOf(limit),
                "RATE_LIMIT_CONNECTIONS_WINDOW_MS",
                "60000"))) {
      String code = limited.createSession().getString("code");
      List<WsClient> crowd = new ArrayList<>();
      try {
        for (int i = 0; i < limit; i++) {
          crowd.add(limited.ws());
        }
        for (int i = 0; i < limit; i++) {
          crowd
              .get(i)
              .sendAsync(
                  new JsonObject()
                      .put("type", "join")
                      .put("session", code)
                      .put("role", i == 0 ? "controller" : "display")
                      .put("name", "Crowd " + i));
        }
        for (WsClient c : crowd) {
          assertThat(c.next().getString("type")).isEqualTo("joined");
        }
        Throwable refused = catchThrowable(() -> WsClient.connect(limited.port()));
        assertThat(refused).as("connection %d", limit + 1).isNotNull();
        assertThat(String.valueOf(refused)).contains("429");
        var presence = new JsonObject(limited.get("/api/session/" + code + "/presence").body());
        assertThat(presence.getInteger("online")).isEqualTo(limit);
        crowd.get(0).send(ProtocolContract.send("to everyone", "all"));
        assertThat(crowd.get(0).nextAnswer().getString("type")).isEqualTo("ack");
        for (WsClient c : crowd) {
          assertThat(c.next("message").getString("text")).isEqualTo("to everyone");
        }
        assertThat(limited.get("/health/live").statusCode()).isEqualTo(200);
        assertThat(limited.get("/health/ready").statusCode()).isEqualTo(200);
      } finally {
        crowd.forEach(WsClient::close);
      }
    }
  }
}
