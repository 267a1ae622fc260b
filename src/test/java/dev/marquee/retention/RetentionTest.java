package dev.marquee.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.Config;
import dev.marquee.config.DatabaseUrl;
import dev.marquee.config.Retention;
import dev.marquee.history.MessageArchive;
import dev.marquee.history.StoredMessage;
import dev.marquee.metrics.Metrics;
import dev.marquee.presence.Role;
import dev.marquee.retention.RetentionSweep.Removed;
import dev.marquee.store.Database;
import dev.marquee.testing.MutableClock;
import dev.marquee.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HISTORY_RETENTION and ANALYTICS_RETENTION against the machine's PostgreSQL: the sweep itself with
 * a hand-moved clock. Whole servers sweeping on their own are in {@link RetentionServerTest}.
 */
class RetentionTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static final Duration DAY = Duration.ofDays(1);

  private Vertx vertx;
  private DatabaseUrl url;
  private Database db;
  private Connection jdbc;
  private final MutableClock clock = new MutableClock(NOW);

  @BeforeEach
  void freshDatabase() throws Exception {
    vertx = Vertx.vertx();
    url = TestPostgres.freshDatabase();
    db = await(Database.start(vertx, config(Map.of())));
    jdbc = TestPostgres.connect(url);
  }

  @AfterEach
  void dropDatabase() throws Exception {
    if (jdbc != null) {
      jdbc.close();
    }
    if (db != null) {
      await(db.close());
    }
    if (vertx != null) {
      await(vertx.close());
    }
    if (url != null) {
      TestPostgres.drop(url);
    }
  }

  private Config config(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("DATABASE_URL", TestPostgres.uri(url));
    return Config.fromEnv(all);
  }

  private RetentionSweep sweep(String history, String analytics, int batch, Metrics metrics) {
    Retention retention =
        config(Map.of("HISTORY_RETENTION", history, "ANALYTICS_RETENTION", analytics)).retention();
    return new RetentionSweep(db.pool(), clock, retention, batch, metrics);
  }

  private RetentionSweep sweep(String history, String analytics, int batch) {
    return sweep(history, analytics, batch, new Metrics());
  }

  /**
   * Five sessions around a 24 h retention at {@link #NOW}: three past it (two ended, one whose end
   * was never recorded but whose lifetime ran out), one ended recently and one live.
   */
  private void fiveSessions() throws SQLException {
    session("PST222", NOW.minus(Duration.ofHours(50)), NOW.minus(Duration.ofHours(49)), 25);
    session("PST333", NOW.minus(Duration.ofHours(26)), NOW.minus(Duration.ofHours(25)), 3);
    session("PST444", NOW.minus(Duration.ofHours(60)), null, 4); // expired 36 h ago
    session("NEW222", NOW.minus(Duration.ofHours(13)), NOW.minus(Duration.ofHours(12)), 5);
    session("RUN222", NOW.minus(Duration.ofHours(1)), null, 6);
  }

  private static final List<String> PAST = List.of("PST222", "PST333", "PST444");
  private static final List<String> KEPT = List.of("NEW222", "RUN222");

  @Test
  void messagesOfSessionsEndedBeforeTheRetentionGoInBatchesWithTheirSessions() throws Exception {
    fiveSessions();
    events();
    Metrics metrics = new Metrics();

    Removed removed = await(sweep("86400000", "forever", 10, metrics).sweep());

    assertThat(removed.messages()).isEqualTo(25 + 3 + 4);
    assertThat(removed.sessions()).isEqualTo(3);
    assertThat(removed.analyticsEvents()).isZero();
    // 32 messages, at most 10 a batch: four batches, and one more that found nothing left.
    assertThat(removed.batches()).isEqualTo(5);
    assertThat(removed.yielded()).isFalse();
    for (String code : PAST) {
      assertThat(messages(code)).as(code).isZero();
      assertThat(sessionExists(code)).as(code).isFalse();
    }
    assertThat(messages("NEW222")).isEqualTo(5);
    assertThat(messages("RUN222")).isEqualTo(6);
    assertThat(KEPT).allMatch(this::sessionExists);
    assertThat(count("SELECT count(*) FROM analytics_events")).isEqualTo(3);
    assertThat(metrics.scrape())
        .contains("marquee_retention_removed_total{table=\"messages\"} 32.0")
        .contains("marquee_retention_removed_total{table=\"sessions\"} 3.0")
        .contains("marquee_retention_removed_total{table=\"analytics_events\"} 0.0");

    Removed again = await(sweep("86400000", "forever", 10).sweep());
    assertThat(again.total()).isZero();
  }

  /** The cutoff moves with the clock: the session that ended 12 h ago goes 12 h later. */
  @Test
  void aSessionGoesOnceItsRetentionHasPassed() throws Exception {
    fiveSessions();
    RetentionSweep sweep = sweep("86400000", "forever", 100);
    await(sweep.sweep());
    assertThat(messages("NEW222")).isEqualTo(5);

    clock.advance(Duration.ofHours(12).minusSeconds(1));
    assertThat(await(sweep.sweep()).total()).isZero();
    clock.advance(Duration.ofSeconds(2));
    Removed removed = await(sweep.sweep());

    assertThat(removed.messages()).isEqualTo(5);
    assertThat(removed.sessions()).isEqualTo(1);
    assertThat(sessionExists("NEW222")).isFalse();
    assertThat(messages("RUN222")).isEqualTo(6);
  }

  @Test
  void foreverKeepsEverything() throws Exception {
    fiveSessions();
    events();
    clock.advance(Duration.ofDays(3650));

    Removed removed = await(sweep("forever", "forever", 10).sweep());

    assertThat(removed.total()).isZero();
    assertThat(count("SELECT count(*) FROM messages")).isEqualTo(25 + 3 + 4 + 5 + 6);
    assertThat(count("SELECT count(*) FROM sessions")).isEqualTo(5);
    assertThat(count("SELECT count(*) FROM analytics_events")).isEqualTo(3);
  }

  @Test
  void analyticsEventsHaveTheirOwnRetention() throws Exception {
    fiveSessions();
    events();

    Removed removed = await(sweep("forever", Long.toString(90 * DAY.toMillis()), 1).sweep());

    assertThat(removed.analyticsEvents()).isEqualTo(1);
    assertThat(removed.messages()).isZero();
    assertThat(count("SELECT count(*) FROM messages")).isEqualTo(43);
    assertThat(column("SELECT type FROM analytics_events ORDER BY occurred_at"))
        .containsExactly("session_created", "message_sent");

    // And the other way round: history goes, events inside their 90 days stay.
    Removed history = await(sweep("86400000", Long.toString(90 * DAY.toMillis()), 7).sweep());
    assertThat(history.messages()).isEqualTo(32);
    assertThat(history.analyticsEvents()).isZero();
    assertThat(count("SELECT count(*) FROM analytics_events")).isEqualTo(2);
  }

  /**
   * Two instances sweeping the same database at once, each with its own pool: everything past the
   * retention goes exactly once, neither fails, and what is kept is untouched.
   */
  @Test
  void twoSweepersAtOnceShareTheWorkWithoutErrors() throws Exception {
    for (int i = 0; i < 120; i++) {
      session(code(i), NOW.minus(Duration.ofHours(40)), NOW.minus(Duration.ofHours(30)), 15);
    }
    fiveSessions();
    for (int i = 0; i < 500; i++) {
      event("message_sent", NOW.minus(Duration.ofDays(100)).plusSeconds(i));
    }
    Database other = await(Database.start(vertx, config(Map.of())));
    try {
      Retention retention =
          config(Map.of("HISTORY_RETENTION", "86400000", "ANALYTICS_RETENTION", "7776000000"))
              .retention();
      RetentionSweep a = new RetentionSweep(db.pool(), clock, retention, 25, new Metrics());
      RetentionSweep b = new RetentionSweep(other.pool(), clock, retention, 25, new Metrics());

      List<Removed> both = await(Future.all(a.sweep(), b.sweep()).map(f -> f.<Removed>list()));
      // One may have stopped early, finding the other at work: a later run finishes its part.
      Removed rest = await(a.sweep());

      long messages = both.get(0).messages() + both.get(1).messages() + rest.messages();
      long sessions = both.get(0).sessions() + both.get(1).sessions() + rest.sessions();
      long events = both.get(0).analyticsEvents() + both.get(1).analyticsEvents();
      events += rest.analyticsEvents();
      assertThat(messages).isEqualTo(120 * 15 + 25 + 3 + 4);
      assertThat(sessions).isEqualTo(123);
      assertThat(events).isEqualTo(500);
      assertThat(count("SELECT count(*) FROM sessions")).isEqualTo(2);
      assertThat(messages("NEW222")).isEqualTo(5);
      assertThat(messages("RUN222")).isEqualTo(6);
      assertThat(count("SELECT count(*) FROM analytics_events")).isZero();
    } finally {
      await(other.close());
    }
  }

  /** While another instance holds the sweep's lock, a sweep stops at once and removes nothing. */
  @Test
  void aSweepYieldsToOneAlreadyRunning() throws Exception {
    fiveSessions();
    try (Connection holder = TestPostgres.connect(url)) {
      holder.setAutoCommit(false);
      try (Statement s = holder.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + RetentionSweep.LOCK_KEY + ")");
      }
      Removed removed = await(sweep("86400000", "forever", 10).sweep());
      assertThat(removed.yielded()).isTrue();
      assertThat(removed.total()).isZero();
      assertThat(count("SELECT count(*) FROM messages")).isEqualTo(43);
      holder.rollback();
    }
    assertThat(await(sweep("86400000", "forever", 10).sweep()).messages()).isEqualTo(32);
  }

  /**
   * A message of a removed session may still come out of a Redis outbox (an archive long stuck): it
   * is skipped, and the rest of its batch is stored, instead of the foreign key failing the batch
   * for ever.
   */
  @Test
  void aLateMessageOfARemovedSessionIsSkippedNotRetriedForEver() throws Exception {
    fiveSessions();
    await(sweep("86400000", "forever", 100).sweep());
    MessageArchive archive = new MessageArchive(vertx, db.pool(), 100, 100);

    await(
        archive.store(
            List.of(
                new StoredMessage(
                    "PST222", 26, NOW.toEpochMilli(), "c", "Ana", Role.CONTROLLER, "x"),
                new StoredMessage(
                    "RUN222", 7, NOW.toEpochMilli(), "c", "Ana", Role.CONTROLLER, "y"))));

    assertThat(sessionExists("PST222")).isFalse();
    assertThat(messages("PST222")).isZero();
    assertThat(messages("RUN222")).isEqualTo(7);
  }

  // ---- fixtures ----

  /** A valid session code from a number: the alphabet's letters, never in use by the fixtures. */
  private static String code(int i) {
    String a = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    return "Z" + a.charAt(i / 961 % 31) + a.charAt(i / 31 % 31) + a.charAt(i % 31) + "ZZ";
  }

  private void session(String code, Instant created, Instant ended, int messages)
      throws SQLException {
    exec(
        "INSERT INTO sessions (code, owner_token_hash, epoch, created_at, expires_at,"
            + " last_activity_at, last_seq, ended_at, end_reason) VALUES ('"
            + code
            + "', '\\x00', 'e', '"
            + created
            + "', '"
            + created.plus(DAY)
            + "', '"
            + created
            + "', "
            + messages
            + ", "
            + (ended == null ? "NULL, NULL" : "'" + ended + "', 'closed'")
            + ")");
    exec(
        "INSERT INTO messages (session_code, seq, sent_at, client_id, sender_name, sender_role,"
            + " body) SELECT '"
            + code
            + "', n, '"
            + created
            + "', 'c', 'Ana', 'controller', 'text ' || n FROM generate_series(1, "
            + messages
            + ") n");
  }

  /** One event 100 days old, one 89 days old, one an hour old. */
  private void events() throws SQLException {
    event("session_ended", NOW.minus(Duration.ofDays(100)));
    event("session_created", NOW.minus(Duration.ofDays(89)));
    event("message_sent", NOW.minus(Duration.ofHours(1)));
  }

  private void event(String type, Instant at) throws SQLException {
    exec(
        "INSERT INTO analytics_events (type, session_code, occurred_at) VALUES ('"
            + type
            + "', 'PST222', '"
            + at
            + "')");
  }

  private long messages(String code) {
    return count("SELECT count(*) FROM messages WHERE session_code = '" + code + "'");
  }

  private boolean sessionExists(String code) {
    return count("SELECT count(*) FROM sessions WHERE code = '" + code + "'") == 1;
  }

  private long count(String sql) {
    return Long.parseLong(column(sql).get(0));
  }

  private List<String> column(String sql) {
    List<String> out = new ArrayList<>();
    try (Statement s = jdbc.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private void exec(String sql) throws SQLException {
    try (Statement s = jdbc.createStatement()) {
      s.execute(sql);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
