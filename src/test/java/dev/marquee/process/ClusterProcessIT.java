package dev.marquee.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.DatabaseUrl;
import dev.marquee.testing.ServerProcess;
import dev.marquee.testing.TestPostgres;
import dev.marquee.testing.TestRedis;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two real server processes on one Redis and one PostgreSQL. One is killed with SIGKILL while a
 * controller sends; its clients move to the other with {@code lastSeq} and miss nothing that was
 * acknowledged, and every acknowledged message reaches PostgreSQL.
 */
class ClusterProcessIT {

  /** The Redis engine's environment, on a fresh prefix. */
  Map<String, String> redisEnv() {
    return TestRedis.engineEnv();
  }

  @Test
  void killingAnInstanceLosesNoAcknowledgedMessage() throws Exception {
    DatabaseUrl db = TestPostgres.freshDatabase();
    Map<String, String> env = new HashMap<>(redisEnv());
    env.put("DATABASE_URL", TestPostgres.uri(db));
    env.put("RATE_LIMIT_MAX_REQUESTS", "100000");
    env.put("RATE_LIMIT_IP_MAX_REQUESTS", "100000");
    env.put("REDIS_OUTBOX_CLAIM_AFTER_MS", "3000");
    try (ServerProcess a = ServerProcess.start(env);
        ServerProcess b = ServerProcess.start(env)) {
      String code = new JsonObject(a.post("/api/session", "{}").body()).getString("code");
      WsClient controllerOnA = WsClient.connect(a.port());
      WsClient displayOnA = WsClient.connect(a.port());
      WsClient displayOnB = WsClient.connect(b.port());
      String epoch = controllerOnA.join(code, "controller", "Alice").getString("epoch");
      displayOnA.join(code, "display", "TV A");
      displayOnB.join(code, "display", "TV B");

      List<Long> acked = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        controllerOnA.send(
            new JsonObject().put("type", "send").put("text", "m" + i).put("ref", "" + i));
      }
      for (int i = 1; i <= 20; i++) {
        acked.add(controllerOnA.next("ack").getLong("seq"));
      }
      long seenByA = 0;
      for (int i = 1; i <= 5; i++) {
        seenByA = displayOnA.next("message").getLong("seq");
      }

      a.kill9();
      assertThat(displayOnA.awaitClose(Duration.ofSeconds(5))).isEqualTo(1006);
      assertThat(controllerOnA.awaitClose(Duration.ofSeconds(5))).isEqualTo(1006);

      // The display on A reconnects to B and catches up from the last message it showed.
      try (WsClient movedDisplay = WsClient.connect(b.port());
          WsClient movedController = WsClient.connect(b.port())) {
        JsonObject rejoined =
            movedDisplay.join(
                new JsonObject()
                    .put("session", code)
                    .put("role", "display")
                    .put("name", "TV A")
                    .put("lastSeq", seenByA)
                    .put("epoch", epoch));
        assertThat(rejoined.getBoolean("recovered")).isTrue();
        for (long seq = seenByA + 1; seq <= 20; seq++) {
          assertThat(movedDisplay.next("message").getLong("seq")).isEqualTo(seq);
        }
        movedController.join(code, "controller", "Alice");
        movedController.send(new JsonObject().put("type", "send").put("text", "after"));
        assertThat(movedController.next("ack").getLong("seq")).isEqualTo(21);
        for (long seq = 1; seq <= 21; seq++) {
          assertThat(displayOnB.next("message").getLong("seq")).isEqualTo(seq);
        }
      }
      assertThat(acked).hasSize(20);
      dev.marquee.testing.Eventually.until(
          Duration.ofSeconds(20),
          () -> storedCount(db, code) == 21,
          "every acknowledged message in PostgreSQL (what A held is claimed after 3 s)");
    } finally {
      TestPostgres.drop(db);
    }
  }

  @Test
  void theRateLimitHoldsAcrossProcessesAndAnEndingReachesThemAll() throws Exception {
    DatabaseUrl db = TestPostgres.freshDatabase();
    Map<String, String> env = new HashMap<>(TestRedis.engineEnv());
    env.put("DATABASE_URL", TestPostgres.uri(db));
    env.put("RATE_LIMIT_MAX_REQUESTS", "4");
    env.put("RATE_LIMIT_IP_MAX_REQUESTS", "100000");
    try (ServerProcess a = ServerProcess.start(env);
        ServerProcess b = ServerProcess.start(env);
        ServerProcess c = ServerProcess.start(env)) {
      JsonObject created = new JsonObject(a.post("/api/session", "{}").body());
      String code = created.getString("code");
      JsonObject me =
          new JsonObject()
              .put("session", code)
              .put("role", "controller")
              .put("name", "Me")
              .put("clientId", "one-user");
      List<WsClient> sockets = new ArrayList<>();
      for (ServerProcess p : List.of(a, b, c, a, b, c)) {
        WsClient socket = WsClient.connect(p.port());
        socket.join(me);
        sockets.add(socket);
      }
      for (int round = 0; round < 2; round++) {
        for (WsClient socket : sockets) {
          socket.sendAsync(new JsonObject().put("type", "send").put("text", "x"));
        }
      }
      int acks = 0;
      for (WsClient socket : sockets) {
        for (int i = 0; i < 2; i++) {
          if ("ack".equals(socket.nextAnswer().getString("type"))) {
            acks++;
          }
        }
      }
      assertThat(acks).as("4 per window for one user, over three processes").isEqualTo(4);

      HttpResponse<String> ended =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + b.port() + "/api/session/" + code))
                      .header("Authorization", "Bearer " + created.getString("ownerToken"))
                      .DELETE()
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(ended.statusCode()).isEqualTo(200);
      for (WsClient socket : sockets) {
        assertThat(socket.next("ended").getString("reason")).isEqualTo("closed");
        assertThat(socket.awaitClose()).isEqualTo(4500);
      }
    } finally {
      TestPostgres.drop(db);
    }
  }

  private static long storedCount(DatabaseUrl db, String code) {
    try (var c = TestPostgres.connect(db);
        var s = c.createStatement();
        var rs =
            s.executeQuery("SELECT count(*) FROM messages WHERE session_code = '" + code + "'")) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      return -1;
    }
  }
}
