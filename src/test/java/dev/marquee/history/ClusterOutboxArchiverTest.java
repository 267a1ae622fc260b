package dev.marquee.history;

import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.Config;
import dev.marquee.config.DatabaseUrl;
import dev.marquee.messaging.MessageIntake;
import dev.marquee.presence.Role;
import dev.marquee.store.Database;
import dev.marquee.store.RedisKeys;
import dev.marquee.store.RedisStore;
import dev.marquee.testing.ChildCluster;
import dev.marquee.testing.ChildRedis;
import dev.marquee.testing.Eventually;
import dev.marquee.testing.TestPostgres;
import dev.marquee.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox of a Redis Cluster: each session's stream in its own slot, all of them drained into
 * PostgreSQL, and the streams of ended sessions deleted once empty.
 */
class ClusterOutboxArchiverTest {
  static final List<String> CODES =
      List.of("K7QX22", "K7QX23", "K7QX24", "K7QX25", "K7QX26", "K7QX27", "K7QX28", "K7QX29");
  static final Config.RateLimits LIMITS =
      new Config.RateLimits(
          new Config.Limit(1000, Duration.ofSeconds(60)),
          new Config.Limit(1000, Duration.ofSeconds(60)),
          new Config.Limit(1000, Duration.ofSeconds(60)),
          new Config.Limit(1000, Duration.ofSeconds(60)),
          new Config.Limit(1000, Duration.ofSeconds(60)));

  final ChildCluster cluster = ChildCluster.shared();
  Vertx vertx;
  RedisStore store;
  RedisKeys keys;
  DatabaseUrl db;
  Pool pool;
  MessageArchive archive;
  MessageIntake intake;
  final List<OutboxArchiver> archivers = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    store = TestRedis.store(vertx, cluster.url(), TestRedis.uniquePrefix());
    keys = store.keys();
    db = TestPostgres.freshDatabase();
    Database.migrate(db);
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      for (String code : CODES) {
        s.execute(
            "INSERT INTO sessions (code, owner_token_hash, epoch, created_at, expires_at,"
                + " last_activity_at) VALUES ('"
                + code
                + "', '\\x00', 'e', now(), now() + interval '1 day', now())");
      }
    }
    pool =
        PgBuilder.pool()
            .connectingTo(
                new PgConnectOptions()
                    .setHost(TestPostgres.HOST)
                    .setPort(TestPostgres.PORT)
                    .setDatabase(db.database())
                    .setUser(db.user()))
            .using(vertx)
            .build();
    archive = new MessageArchive(vertx, pool, 100, 10);
    intake = MessageIntake.redis(Clock.systemUTC(), LIMITS, store, () -> 0L);
    for (String code : CODES) {
      await(
          store.send(
              Command.HSET,
              keys.session(code),
              "lastSeq",
              "0",
              "lastActivityAt",
              "0",
              "epoch",
              "e"));
    }
  }

  @AfterEach
  void tearDown() {
    archivers.forEach(a -> await(a.stop()));
    await(pool.close());
    TestRedis.clean(store);
    await(store.close());
    await(vertx.close());
    TestPostgres.drop(db);
  }

  private OutboxArchiver archiver(String consumer, Duration claimAfter) {
    OutboxArchiver archiver = OutboxArchiver.redis(store, archive, consumer, claimAfter);
    archivers.add(archiver);
    await(archiver.start());
    return archiver;
  }

  private void send(String code, int count) {
    for (int i = 0; i < count; i++) {
      MessageIntake.Submission s =
          new MessageIntake.Submission(code, "c", "Alice", Role.CONTROLLER, "10.0.0.1", "m" + i);
      assertThat(await(intake.accept(s))).isInstanceOf(MessageIntake.Admission.Accepted.class);
    }
  }

  @Test
  void messagesOfSessionsOnEveryNodeAreAllArchivedByTwoInstances() {
    archiver("a", Duration.ofSeconds(30));
    archiver("b", Duration.ofSeconds(30));
    for (String code : CODES) {
      send(code, 30);
    }
    assertThat(nodesHolding(CODES)).as("streams on every node").isEqualTo(3);

    Eventually.until(Duration.ofSeconds(15), () -> storedCount() == 30L * CODES.size(), "stored");
    for (String code : CODES) {
      assertThat(storedSeqs(code)).as(code).isEqualTo(range(1, 30));
      Eventually.until(Duration.ofSeconds(5), () -> length(code) == 0, code + " drained");
    }
    long archived = archivers.stream().mapToLong(OutboxArchiver::archived).sum();
    assertThat(archived).as("stored once between the two").isEqualTo(30L * CODES.size());
  }

  @Test
  void streamsOfEndedSessionsAreDeletedOnceDrainedAndLeaveTheIndex() {
    send(CODES.get(0), 3);
    send(CODES.get(1), 3);
    await(store.send(Command.DEL, keys.session(CODES.get(0))));
    archiver("a", Duration.ofSeconds(30));

    Eventually.until(Duration.ofSeconds(10), () -> storedCount() == 6, "both stored");
    Eventually.until(
        Duration.ofSeconds(10),
        () -> !exists(keys.outbox(CODES.get(0))) && indexed().equals(Set.of(CODES.get(1))),
        "the ended session's stream gone and out of the index");
    assertThat(exists(keys.outbox(CODES.get(1)))).as("the live session's stream stays").isTrue();
  }

  @Test
  void entriesLeftByACrashedConsumerAreClaimedAndStored() throws InterruptedException {
    String code = CODES.get(2);
    send(code, 10);
    // "dead" reads them and never acknowledges, as an instance killed mid-batch would.
    await(
        store.send(
            Command.XREADGROUP,
            "GROUP",
            OutboxArchiver.GROUP,
            "dead",
            "COUNT",
            "100",
            "STREAMS",
            keys.outbox(code),
            ">"));
    // Idle past claimAfter before the first pass, which claims at once (and then every 5 s).
    Eventually.until(Duration.ofSeconds(5), () -> leastIdleMs(code) > 250, "entries idle 250 ms");
    archiver("alive", Duration.ofMillis(200));

    Eventually.until(Duration.ofSeconds(15), () -> storedCount() == 10, "claimed and stored");
    assertThat(storedSeqs(code)).isEqualTo(range(1, 10));
  }

  /** The shortest idle time among the pending entries of the outbox's group (XPENDING). */
  private long leastIdleMs(String code) {
    long least = Long.MAX_VALUE;
    for (var entry :
        await(
            store.send(
                Command.XPENDING, keys.outbox(code), OutboxArchiver.GROUP, "-", "+", "100"))) {
      least = Math.min(least, entry.get(2).toLong());
    }
    return least;
  }

  private long length(String code) {
    return await(store.send(Command.XLEN, keys.outbox(code))).toLong();
  }

  private boolean exists(String key) {
    return await(store.send(Command.EXISTS, key)).toLong() == 1;
  }

  private Set<String> indexed() {
    Set<String> codes = new HashSet<>();
    await(store.send(Command.ZRANGE, keys.outboxSessions(), 0, -1))
        .forEach(c -> codes.add(c.toString()));
    return codes;
  }

  /** How many nodes hold at least one of these sessions' streams (a node MOVEs the others). */
  private long nodesHolding(List<String> codes) {
    return cluster.nodes().stream()
        .filter(n -> codes.stream().anyMatch(c -> ":1".equals(n.command("EXISTS", keys.outbox(c)))))
        .map(ChildRedis::port)
        .distinct()
        .count();
  }

  private long storedCount() {
    return query("SELECT count(*) FROM messages").get(0);
  }

  private List<Long> storedSeqs(String code) {
    return query("SELECT seq FROM messages WHERE session_code = '" + code + "' ORDER BY seq");
  }

  private List<Long> query(String sql) {
    List<Long> out = new ArrayList<>();
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }
}
