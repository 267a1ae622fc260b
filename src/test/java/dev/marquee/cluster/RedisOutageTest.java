package dev.marquee.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.ChildRedis;
import dev.marquee.testing.Eventually;
import dev.marquee.testing.TestRedis;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Redis going away and coming back, on a Redis of the test's own: unready while down, sends refused
 * whole, back without a restart; when it comes back empty, sessions are rebuilt from PostgreSQL
 * under new epochs.
 */
class RedisOutageTest {

  @Test
  void whileRedisIsDownTheServerIsUnreadyAndRefusesSendsThenRecoversWhenItIsBackEmpty() {
    try (ChildRedis redis = ChildRedis.start();
        TestServer server = TestServer.start(env(redis))) {
      String code = server.createSession().getString("code");
      String epoch;
      try (WsClient display = server.ws();
          WsClient controller = server.ws()) {
        epoch = display.join(code, "display", "TV").getString("epoch");
        controller.join(code, "controller", "Alice");
        controller.send(send("before", "r1"));
        assertThat(controller.next("ack").getLong("seq")).isEqualTo(1);
        assertThat(display.next("message").getLong("seq")).isEqualTo(1);
        awaitStoredSeq(server, code, 1);

        redis.kill();
        awaitReady(server, 503, Duration.ofSeconds(5));
        controller.send(send("during", "r2"));
        JsonObject refused = controller.next("error");
        assertThat(refused.getString("code")).isEqualTo("unavailable");
        assertThat(refused.getString("ref")).isEqualTo("r2");
        assertThat(controller.isClosed()).isFalse();

        redis.restart(); // without persistence: empty
        awaitReady(server, 200, Duration.ofSeconds(10));
        JsonObject view = new JsonObject(server.get("/api/session/" + code).body());
        assertThat(view.getString("epoch")).as("a new epoch after the rebuild").isNotEqualTo(epoch);
        assertThat(view.getLong("lastSeq")).isEqualTo(1);

        // Both sockets joined under the old state: they are told to rejoin and resync.
        for (WsClient socket : java.util.List.of(display, controller)) {
          assertThat(socket.next("reconnect").getString("reason")).isEqualTo("resync");
          assertThat(socket.awaitClose()).isEqualTo(4002);
        }
      }
      try (WsClient display = server.ws();
          WsClient controller = server.ws()) {
        JsonObject rejoined =
            display.join(
                new JsonObject()
                    .put("session", code)
                    .put("role", "display")
                    .put("lastSeq", 1)
                    .put("epoch", epoch));
        assertThat(rejoined.getBoolean("recovered")).isFalse();
        assertThat(rejoined.getString("epoch")).isNotEqualTo(epoch);
        controller.join(code, "controller", "Alice");
        controller.send(send("after", "r3"));
        assertThat(controller.next("ack").getLong("seq")).as("r2 took no seq").isEqualTo(2);
        assertThat(display.next("message").getString("text")).isEqualTo("after");
        // The outbox's consumer group went with Redis's data; the archiver makes it again.
        awaitStoredSeq(server, code, 2);
      }
    }
  }

  @Test
  void aRedisRestartWithPersistenceKeepsEpochsAndReplay() {
    try (ChildRedis redis = ChildRedis.start("--appendonly", "yes", "--appendfsync", "always");
        TestServer server = TestServer.start(env(redis))) {
      String code = server.createSession().getString("code");
      String epoch;
      try (WsClient controller = server.ws()) {
        epoch = controller.join(code, "controller", "Alice").getString("epoch");
        controller.send(send("one", "r1"));
        controller.send(send("two", "r2"));
        controller.next("ack");
        controller.next("ack");
      }
      try (WsClient across = server.ws()) {
        across.join(code, "display", "TV");
        redis.kill();
        awaitReady(server, 503, Duration.ofSeconds(5));
        redis.restart();
        awaitReady(server, 200, Duration.ofSeconds(10));
        // Events published while the bus was cut never reached it: it rejoins to replay them.
        assertThat(across.next("reconnect").getString("reason")).isEqualTo("resync");
        assertThat(across.awaitClose()).isEqualTo(4002);
      }
      try (WsClient back = server.ws()) {
        JsonObject rejoined =
            back.join(
                new JsonObject()
                    .put("session", code)
                    .put("role", "display")
                    .put("lastSeq", 0)
                    .put("epoch", epoch));
        assertThat(rejoined.getString("epoch")).isEqualTo(epoch);
        assertThat(rejoined.getBoolean("recovered")).isTrue();
        assertThat(back.next("message").getString("text")).isEqualTo("one");
        assertThat(back.next("message").getString("text")).isEqualTo("two");
      }
    }
  }

  @Test
  void untilTheRebuildAFlushedRedisMeansUnavailableNeverEndedOrNotFound() {
    try (ChildRedis redis = ChildRedis.start();
        TestServer server = TestServer.start(probesOnly(env(redis)))) {
      String code = server.createSession().getString("code");
      try (WsClient controller = server.ws()) {
        controller.join(code, "controller", "Alice");
        controller.send(send("before", "r1"));
        assertThat(controller.next("ack").getLong("seq")).isEqualTo(1);
        awaitStoredSeq(server, code, 1);

        // As a flush would: every key of this server's prefix gone, nobody else's touched.
        assertThat(deleteKeys(redis, server.env().get("REDIS_KEY_PREFIX"))).isPositive();
        controller.send(send("lost state", "r2"));
        JsonObject refused = controller.next("error");
        assertThat(refused.getString("code")).as("not session_ended").isEqualTo("unavailable");
        assertThat(controller.isClosed()).isFalse();
        var view = server.get("/api/session/" + code);
        assertThat(view.statusCode()).as("not 404").isEqualTo(503);
        assertThat(new JsonObject(view.body()).getJsonObject("error").getString("code"))
            .isEqualTo("unavailable");
        try (WsClient joiner = server.ws()) {
          joiner.send(
              new JsonObject().put("type", "join").put("session", code).put("role", "display"));
          assertThat(joiner.next("error").getString("code")).isEqualTo("unavailable");
          assertThat(joiner.awaitClose()).as("try again later, not 4501").isEqualTo(1013);
        }

        awaitReady(server, 200, Duration.ofSeconds(10)); // the probe rebuilds
        assertThat(server.get("/api/session/" + code).statusCode()).isEqualTo(200);
        assertThat(controller.next("reconnect").getString("reason")).isEqualTo("resync");
        assertThat(controller.awaitClose()).isEqualTo(4002);
      }
    }
  }

  /** Deletes every key under {@code prefix} (SCAN, then DEL each); returns how many. */
  private static int deleteKeys(ChildRedis redis, String prefix) {
    int deleted = 0;
    for (String key : redis.cli("--scan", "--pattern", prefix + ":*")) {
      deleted += redis.cli("DEL", key).equals(java.util.List.of("1")) ? 1 : 0;
    }
    return deleted;
  }

  /** Sweeps would rebuild within 200 ms; here only readiness probes do. */
  private static Map<String, String> probesOnly(Map<String, String> env) {
    Map<String, String> out = new java.util.HashMap<>(env);
    out.put("SESSION_SWEEP_INTERVAL_MS", "3600000");
    return out;
  }

  private static Map<String, String> env(ChildRedis redis) {
    return Map.of(
        "REDIS_URL",
        redis.url(),
        "REDIS_KEY_PREFIX",
        TestRedis.uniquePrefix(),
        "HEALTH_CHECK_TIMEOUT_MS",
        "500",
        "SESSION_SWEEP_INTERVAL_MS",
        "200");
  }

  private static JsonObject send(String text, String ref) {
    return new JsonObject().put("type", "send").put("text", text).put("ref", ref);
  }

  private static void awaitReady(TestServer server, int status, Duration within) {
    Eventually.until(
        within,
        () -> server.get("/health/ready").statusCode() == status,
        "/health/ready answering " + status);
  }

  private static void awaitStoredSeq(TestServer server, String code, long seq) {
    Eventually.until(
        Duration.ofSeconds(5),
        () -> {
          try (var c = dev.marquee.testing.TestPostgres.connect(server.database());
              var s = c.createStatement();
              var rs =
                  s.executeQuery("SELECT last_seq FROM sessions WHERE code = '" + code + "'")) {
            return rs.next() && rs.getLong(1) >= seq;
          } catch (java.sql.SQLException e) {
            return false;
          }
        },
        "seq " + seq + " archived to PostgreSQL");
  }
}
