package dev.marquee.history;

import static dev.marquee.history.HistoryFixture.json;
import static dev.marquee.history.HistoryFixture.range;
import static dev.marquee.history.HistoryFixture.seqs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.Eventually;
import dev.marquee.testing.TestPostgres;
import dev.marquee.testing.TestRedis;
import dev.marquee.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The Redis engine acknowledges a message once it is in the outbox, before PostgreSQL has it: it
 * must be in history from that moment, once, and stay once after the archive catches up. The test
 * holds the archive back by locking the table against writes, which reads do not need.
 */
class HistoryBeforeArchiveTest {

  @Test
  void anAcknowledgedMessageIsInHistoryBeforeTheArchiveHasItAndOnceAfter() throws Exception {
    try (TestServer server = HistoryFixture.start(TestRedis.engineEnv());
        Connection db = TestPostgres.connect(server.database())) {
      JsonObject created = server.createSession();
      String code = created.getString("code");
      String path = "/api/session/" + code + "/history";
      HistoryFixture.sendNumbered(server, code, 2);
      Eventually.until(Duration.ofSeconds(10), () -> archived(db, code) == 2, "2 archived");

      db.setAutoCommit(false);
      try (Statement s = db.createStatement()) {
        s.execute("LOCK TABLE messages IN SHARE MODE");
      }
      JsonObject sent = HistoryFixture.send(server, code, "Bob", "hello from the outbox").get(0);
      assertThat(archived(db, code)).as("held back from the archive").isEqualTo(2);

      JsonObject page = json(server, path);
      assertThat(seqs(page)).isEqualTo(range(3, 1));
      assertThat(page.getLong("total")).isEqualTo(3);
      assertThat(page.getJsonArray("messages").getJsonObject(0)).isEqualTo(sent);
      assertThat(seqs(json(server, path + "/latest?limit=2"))).isEqualTo(range(2, 3));
      assertThat(seqs(json(server, HistoryFixture.search(code, "outbox")))).containsExactly(3L);
      assertThat(json(server, path + "/stats").getLong("count")).isEqualTo(3);

      // Ended meanwhile: the window stays for reads until the archive has its messages.
      assertThat(
              server.delete("/api/session/" + code, created.getString("ownerToken")).statusCode())
          .isEqualTo(200);
      assertThat(seqs(json(server, path))).isEqualTo(range(3, 1));

      db.rollback();
      Eventually.until(Duration.ofSeconds(10), () -> archived(db, code) == 3, "3 archived");
      JsonObject after = json(server, path);
      assertThat(seqs(after)).isEqualTo(range(3, 1));
      assertThat(after.getLong("total")).isEqualTo(3);
      assertThat(json(server, HistoryFixture.search(code, "outbox")).getLong("total")).isEqualTo(1);
    }
  }

  private static long archived(Connection db, String code) {
    try (Statement s = db.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*) FROM messages WHERE session_code = '" + code + "'")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
