package dev.marquee.history;

import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.DatabaseUrl;
import dev.marquee.presence.Role;
import dev.marquee.store.Database;
import dev.marquee.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Messages the Redis outbox delivers to the archive after their history was cleared stay cleared,
 * and the clearing point survives whatever the window still holds.
 */
class ArchiveAfterClearTest {
  static final String CODE = "K7QX2M";
  Vertx vertx;
  DatabaseUrl db;
  Pool pool;
  MessageArchive archive;
  HistoryStore history;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    db = TestPostgres.freshDatabase();
    Database.migrate(db);
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO sessions (code, owner_token_hash, epoch, created_at, expires_at,"
              + " last_activity_at) VALUES ('"
              + CODE
              + "', '\\x00', 'e', now(), now() + interval '1 day', now())");
    }
    pool =
        PgBuilder.pool()
            .connectingTo(
                new PgConnectOptions()
                    .setHost(db.host())
                    .setPort(db.port())
                    .setDatabase(db.database())
                    .setUser(db.user()))
            .using(vertx)
            .build();
    archive = new MessageArchive(vertx, pool, 100, 10);
    history = new HistoryStore(pool);
  }

  @AfterEach
  void tearDown() {
    await(pool.close());
    await(vertx.close());
    TestPostgres.drop(db);
  }

  static List<StoredMessage> messages(long from, long to) {
    return LongStream.rangeClosed(from, to)
        .mapToObj(
            seq ->
                new StoredMessage(
                    CODE, seq, 1_764_000_000_000L + seq, "c", "Al", Role.CONTROLLER, "m" + seq))
        .toList();
  }

  @Test
  void lateMessagesAtOrBelowTheClearingPointAreNotStored() throws Exception {
    await(archive.store(messages(1, 2)));

    await(history.clear(CODE, 4));
    await(archive.store(messages(3, 6)));

    assertThat(storedSeqs()).containsExactly(5L, 6L);
  }

  @Test
  void windowMessagesAtOrBelowTheClearingPointAreNotRead() {
    await(archive.store(messages(1, 3)));
    await(history.clear(CODE, 3));

    HistoryStore.Page page = await(history.page(CODE, messages(2, 5), 0, 20));

    assertThat(page.messages()).extracting(StoredMessage::seq).containsExactly(5L, 4L);
    assertThat(page.total()).isEqualTo(2);
    Instant fourth = Instant.ofEpochMilli(1_764_000_000_004L);
    assertThat(await(history.senders(CODE, messages(1, 4))))
        .containsExactly(new HistoryStore.Sender("Al", 1, fourth, fourth));
  }

  @Test
  void aClearingPointNeverMovesBack() throws Exception {
    await(history.clear(CODE, 5));
    await(history.clear(CODE, 2));
    await(archive.store(messages(1, 6)));

    assertThat(storedSeqs()).containsExactly(6L);
  }

  private List<Long> storedSeqs() throws Exception {
    List<Long> out = new ArrayList<>();
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT seq FROM messages ORDER BY seq")) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }
}
