package dev.marquee.history;

import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.DatabaseUrl;
import dev.marquee.presence.Role;
import dev.marquee.store.Database;
import dev.marquee.store.RedisStore;
import dev.marquee.testing.Eventually;
import dev.marquee.testing.TcpProxy;
import dev.marquee.testing.TestPostgres;
import dev.marquee.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.redis.client.Command;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Redis outbox drains into PostgreSQL, through crashes and database outages. */
class OutboxArchiverTest {
  static final String CODE = "K7QX2M";
  Vertx vertx;
  RedisStore store;
  DatabaseUrl db;
  TcpProxy proxy;
  Pool pool;
  MessageArchive archive;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    store = TestRedis.store(vertx);
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
    proxy = new TcpProxy(TestPostgres.HOST, TestPostgres.PORT);
    pool =
        PgBuilder.pool()
            .connectingTo(
                new io.vertx.pgclient.PgConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(proxy.port())
                    .setDatabase(db.database())
                    .setUser(db.user()))
            .using(vertx)
            .build();
    archive = new MessageArchive(vertx, pool, 100, 10);
  }

  @AfterEach
  void tearDown() {
    proxy.close();
    await(pool.close());
    TestRedis.clean(store);
    await(store.close());
    await(vertx.close());
    TestPostgres.drop(db);
  }

  private void enqueue(int from, int to) {
    for (int seq = from; seq <= to; seq++) {
      StoredMessage m =
          new StoredMessage(
              CODE, seq, 1_764_000_000_000L + seq, "c", "Alice", Role.CONTROLLER, "m" + seq);
      await(store.send(Command.XADD, store.keys().outbox(), "*", "m", StoredMessageJson.encode(m)));
    }
  }

  @Test
  void entriesAreStoredThenAcknowledgedAndDeleted() {
    enqueue(1, 25);
    OutboxArchiver archiver = OutboxArchiver.redis(store, archive, "a", Duration.ofSeconds(30));
    await(archiver.start());
    awaitStored(25);
    assertThat(storedSeqs()).isEqualTo(range(1, 25));
    Eventually.until(Duration.ofSeconds(5), () -> outboxLength() == 0, "the outbox to empty");
    enqueue(26, 30);
    awaitStored(30);
    await(archiver.stop());
  }

  @Test
  void entriesLeftByACrashedConsumerAreClaimedAndStored() {
    await(
        store.send(Command.XGROUP, "CREATE", store.keys().outbox(), "archivers", "0", "MKSTREAM"));
    enqueue(1, 10);
    // "dead" reads them and never acknowledges, as an instance killed mid-batch would.
    await(
        store.send(
            Command.XREADGROUP,
            "GROUP",
            "archivers",
            "dead",
            "COUNT",
            "100",
            "STREAMS",
            store.keys().outbox(),
            ">"));
    OutboxArchiver archiver = OutboxArchiver.redis(store, archive, "alive", Duration.ofMillis(200));
    await(archiver.start());
    awaitStored(10);
    assertThat(storedSeqs()).isEqualTo(range(1, 10));
    await(archiver.stop());
  }

  @Test
  void aDatabaseOutageDelaysArchivingAndLosesNothing() {
    proxy.cut();
    enqueue(1, 5);
    OutboxArchiver archiver = OutboxArchiver.redis(store, archive, "a", Duration.ofSeconds(30));
    await(archiver.start());
    Eventually.until(
        Duration.ofSeconds(5), () -> archiver.failures() > 0, "archiving to fail while cut off");
    assertThat(storedSeqs()).isEmpty();
    assertThat(outboxLength()).isEqualTo(5);
    proxy.restore();
    awaitStored(5);
    assertThat(storedSeqs()).isEqualTo(range(1, 5));
    await(archiver.stop());
  }

  private long outboxLength() {
    return await(store.send(Command.XLEN, store.keys().outbox())).toLong();
  }

  private void awaitStored(int count) {
    Eventually.until(Duration.ofSeconds(15), () -> storedSeqs().size() >= count, count + " rows");
  }

  private List<Long> storedSeqs() {
    List<Long> seqs = new ArrayList<>();
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT seq FROM messages ORDER BY seq")) {
      while (rs.next()) {
        seqs.add(rs.getLong(1));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return seqs;
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }
}
