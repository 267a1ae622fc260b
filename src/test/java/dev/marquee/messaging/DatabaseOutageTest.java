package dev.marquee.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.DatabaseUrl;
import dev.marquee.testing.Eventually;
import dev.marquee.testing.TcpProxy;
import dev.marquee.testing.TestPostgres;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL going away: live delivery goes on, acks wait in a bounded buffer, a full buffer
 * refuses new messages with {@code unavailable}, and everything acknowledged or buffered is stored
 * once the database is back. The database is reached through a proxy the test cuts.
 */
class DatabaseOutageTest {
  DatabaseUrl db;
  TcpProxy proxy;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    db = TestPostgres.freshDatabase();
    proxy = new TcpProxy(TestPostgres.HOST, TestPostgres.PORT);
    String url = "postgresql://" + db.user() + "@127.0.0.1:" + proxy.port() + "/" + db.database();
    server =
        TestServer.start(
            Map.of(
                "DATABASE_URL", url,
                "DB_WRITE_BUFFER_MAX", "5",
                "DB_POOL_SIZE", "2",
                "HEALTH_CHECK_TIMEOUT_MS", "500"));
  }

  @AfterEach
  void stop() {
    proxy.restore();
    server.close();
    proxy.close();
    TestPostgres.drop(db);
  }

  @Test
  void liveDeliveryContinuesAndBufferedMessagesAreStoredWhenTheDatabaseReturns() throws Exception {
    String code = server.createSession().getString("code");
    try (WsClient display = server.ws();
        WsClient controller = server.ws()) {
      display.join(code, "display", "TV");
      controller.join(code, "controller", "Alice");
      controller.send(ProtocolContract.send("before", "r1"));
      assertThat(controller.next("ack").getLong("seq")).isEqualTo(1);

      proxy.cut();
      for (int i = 2; i <= 6; i++) {
        controller.send(ProtocolContract.send("during " + i, "r" + i));
      }
      for (int i = 1; i <= 6; i++) {
        assertThat(display.next("message").getLong("seq")).as("live while down").isEqualTo(i);
      }
      controller.send(ProtocolContract.send("one too many", "r7"));
      JsonObject full = controller.next("error");
      assertThat(full.getString("code")).isEqualTo("unavailable");
      assertThat(full.getString("ref")).isEqualTo("r7");
      assertThat(full.getLong("retryAfterMs")).isPositive();
      controller.assertNoFrame("ack", Duration.ofMillis(300));
      display.assertNoFrame("message", Duration.ofMillis(1));

      awaitReady(503);
      JsonObject ready = new JsonObject(server.get("/health/ready").body());
      assertThat(ready.getString("status")).isEqualTo("DOWN");
      assertThat(ready.getJsonArray("checks").stream().map(JsonObject.class::cast))
          .anySatisfy(
              c -> {
                assertThat(c.getString("id")).isEqualTo("database");
                assertThat(c.getString("status")).isEqualTo("DOWN");
              });
      assertThat(server.get("/api/session/" + code).statusCode()).isEqualTo(503);

      proxy.restore();
      List<Long> acked = new ArrayList<>();
      for (int i = 2; i <= 6; i++) {
        acked.add(controller.next("ack").getLong("seq"));
      }
      assertThat(acked).containsExactly(2L, 3L, 4L, 5L, 6L);
      awaitReady(200);
      assertThat(storedSeqs(code)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
      controller.send(ProtocolContract.send("after", "r8"));
      assertThat(controller.next("ack").getLong("seq")).isEqualTo(7);
    }
  }

  @Test
  void aGracefulStopFlushesWritesStillWaitingForTheDatabase() throws Exception {
    String code = server.createSession().getString("code");
    try (WsClient controller = server.ws()) {
      controller.join(code, "controller", "Alice");
      proxy.cut();
      for (int i = 1; i <= 3; i++) {
        controller.send(ProtocolContract.send("pending " + i, "r" + i));
      }
      for (int i = 1; i <= 3; i++) {
        controller.next("message");
      }
      CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::stop);
      assertThat(controller.next("reconnect").getString("reason")).isEqualTo("shutdown");
      assertThat(controller.awaitClose()).isEqualTo(4000);
      // Still listening while the writes wait: unready, and the API refuses politely.
      assertThat(server.get("/health/ready").statusCode()).isEqualTo(503);
      assertThat(new JsonObject(server.get("/health/ready").body()).encode())
          .contains("\"state\":\"stopping\"");
      assertThat(server.get("/api/session/" + code).statusCode()).isEqualTo(503);
      assertThat(stopped).isNotDone();
      proxy.restore();
      stopped.get(
          java.util.concurrent.TimeUnit.SECONDS.toMillis(20),
          java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    assertThat(storedSeqs(code)).containsExactly(1L, 2L, 3L);
  }

  private void awaitReady(int status) {
    Eventually.until(
        Duration.ofSeconds(15),
        () -> server.get("/health/ready").statusCode() == status,
        "/health/ready answering " + status);
  }

  private List<Long> storedSeqs(String code) throws Exception {
    List<Long> seqs = new ArrayList<>();
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT seq FROM messages WHERE session_code = '" + code + "' ORDER BY seq")) {
      while (rs.next()) {
        seqs.add(rs.getLong(1));
      }
    }
    return seqs;
  }
}
