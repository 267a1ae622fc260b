package dev.marquee;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.analytics.AnalyticsReport;
import dev.marquee.config.DatabaseUrl;
import dev.marquee.history.HistorySql;
import dev.marquee.history.MessageArchive;
import dev.marquee.profile.ProfileRecords;
import dev.marquee.retention.RetentionSweep;
import dev.marquee.session.SessionRecords;
import dev.marquee.store.Database;
import dev.marquee.store.ServerState;
import dev.marquee.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every query the server runs, planned by PostgreSQL over tables of a realistic size, must reach
 * its rows through the index the migration made for it. Both plan shapes are checked: a custom plan
 * (what a statement prepared for one execution gets, which is how the pool runs queries today) and
 * a generic plan (what PostgreSQL switches to if prepared statements are ever cached). It lives in
 * the root package because it reads the SQL of several features.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryPlansTest {
  private static final String AT = "'2026-11-25T12:00:00Z'";

  /**
   * 20,000 sessions (200 live), 200,000 messages in time order interleaved across sessions as a
   * running server writes them, one live session holding 10,000 of them, 100,000 analytics events
   * in the last day and 300,000 more over 90 days (the default ANALYTICS_RETENTION), in a realistic
   * mix of types (mostly message_sent). Codes are a bijection of the row number onto the code
   * alphabet, so they are valid and unique but not in insertion order.
   */
  private static final List<String> LOAD =
      List.of(
          """
          CREATE TEMP TABLE codes AS
          SELECT i,
                 substr(a, (x % 31)::int + 1, 1) || substr(a, (x / 31 % 31)::int + 1, 1)
                 || substr(a, (x / 961 % 31)::int + 1, 1) || substr(a, (x / 29791 % 31)::int + 1, 1)
                 || substr(a, (x / 923521 % 31)::int + 1, 1)
                 || substr(a, (x / 28629151 % 31)::int + 1, 1) AS code
          FROM generate_series(1, 20000) i,
               LATERAL (SELECT i::bigint * 7919 % 887503681 AS x,
                               '23456789ABCDEFGHJKMNPQRSTUVWXYZ' AS a) p
          """,
          """
          INSERT INTO sessions (code, title, owner_token_hash, epoch, created_at, expires_at,
                                last_activity_at, ended_at, end_reason)
          SELECT code, 'Session ' || i, sha256(i::text::bytea), md5(i::text), t,
                 t + interval '8 hours', t + interval '1 hour',
                 CASE WHEN i <= 19800 THEN t + interval '2 hours' END,
                 CASE WHEN i <= 19800 THEN (ARRAY['expired', 'inactive', 'closed'])[1 + i % 3] END
          FROM codes, LATERAL (SELECT now() - interval '10 minutes' * (20000 - i) AS t) p
          """,
          """
          INSERT INTO messages (session_code, seq, sent_at, client_id, sender_name, sender_role,
                                body)
          SELECT c.code, m.seq, now() - interval '1 second' * m.n, 'client-' || m.n % 50,
                 'name ' || m.n % 50, 'controller', 'message ' || m.n
          FROM (SELECT n,
                       CASE WHEN n <= 10000 THEN 20000 ELSE 1 + n % 19999 END AS i,
                       CASE WHEN n <= 10000 THEN n ELSE (n - 10000) / 19999 + 1 END AS seq
                FROM generate_series(1, 200000) n) m
          JOIN codes c USING (i)
          """,
          """
          INSERT INTO analytics_events (type, session_code, occurred_at, data)
          SELECT (ARRAY['session_created', 'message_sent', 'display_joined',
                        'session_ended'])[1 + n % 4],
                 c.code, now() - interval '1 second' * n, jsonb_build_object('n', n)
          FROM generate_series(1, 100000) n JOIN codes c ON c.i = 1 + n % 20000
          """,
          """
          INSERT INTO analytics_events (type, session_code, occurred_at, data)
          SELECT t.type, c.code, now() - interval '90 days' * (n / 300000.0),
                 CASE t.type
                   WHEN 'member_joined' THEN '{"role": "controller"}'::jsonb
                   WHEN 'member_left' THEN '{"role": "controller", "reason": "left"}'::jsonb
                   WHEN 'session_ended' THEN jsonb_build_object('reason', 'closed',
                                                                'durationMs', n % 10000000)
                   ELSE '{}'::jsonb END
          FROM generate_series(1, 300000) n
          JOIN codes c ON c.i = 1 + (n / 20) % 20000
          CROSS JOIN LATERAL (SELECT (ARRAY['message_sent', 'message_sent', 'message_sent',
                 'message_sent', 'message_sent', 'message_sent', 'member_joined', 'member_left',
                 'session_created', 'session_ended', 'rate_limited', 'message_refused', 'rejoined',
                 'message_sent', 'message_sent', 'message_sent', 'message_sent', 'message_sent',
                 'message_sent', 'message_sent'])[1 + n % 20] AS type) t
          """,
          """
          UPDATE sessions s SET last_seq = m.last
          FROM (SELECT session_code, max(seq) AS last FROM messages GROUP BY 1) m
          WHERE m.session_code = s.code
          """,
          // 2,001 signed-in users own one session in four; one of them owns 500.
          """
          INSERT INTO profiles (id, display_name)
          SELECT md5('profile ' || p)::uuid, 'User ' || p FROM generate_series(0, 2000) p
          """,
          """
          UPDATE sessions s
          SET owner_profile_id =
                md5('profile ' || CASE WHEN c.i % 40 = 1 THEN 0 ELSE 1 + c.i % 2000 END)::uuid
          FROM codes c WHERE c.code = s.code AND c.i % 4 = 1
          """,
          "INSERT INTO server_state (name, value) VALUES ('memory_clean_shutdown', 'true')",
          "ANALYZE");

  private enum Mode {
    CUSTOM("force_custom_plan"),
    GENERIC("force_generic_plan");

    final String setting;

    Mode(String setting) {
      this.setting = setting;
    }
  }

  private DatabaseUrl url;
  private Connection db;
  private String busiest;
  private List<String> live;

  @BeforeAll
  void loadRealisticVolume() throws SQLException {
    url = TestPostgres.freshDatabase();
    Database.migrate(url);
    db = TestPostgres.connect(url);
    try (Statement s = db.createStatement()) {
      for (String sql : LOAD) {
        s.execute(sql);
      }
    }
    busiest = single("SELECT code FROM sessions ORDER BY last_seq DESC LIMIT 1");
    live = column("SELECT code FROM sessions WHERE ended_at IS NULL ORDER BY last_seq DESC");
    assertThat(single("SELECT count(*) FROM messages WHERE session_code = '" + busiest + "'"))
        .isEqualTo("10000");
    assertThat(live).hasSize(200).contains(busiest);
  }

  @AfterAll
  void dropDatabase() throws SQLException {
    if (db != null) {
      db.close();
    }
    if (url != null) {
      TestPostgres.drop(url);
    }
  }

  @Test
  void creatingASessionChecksItsCodeThroughThePrimaryKey() throws SQLException {
    for (Plan plan :
        plans(
            SessionRecords.INSERT,
            "'222222'",
            "'Quiz night'",
            "'\\x0102'",
            "'e1'",
            AT,
            "'2026-11-26T12:00:00Z'",
            AT,
            "NULL")) {
      assertThat(plan.arbiterIndexes()).as(plan.text()).containsExactly("sessions_pkey");
      assertThat(plan.scansOf("sessions")).as(plan.text()).isEmpty();
    }
  }

  /**
   * A user's sessions come from their entries in the owner index: the first page in index order,
   * unsorted. A deep page of a user with many sessions may rightly be read as a bitmap of all their
   * entries and sorted (500 rows here), but still never from the table.
   */
  @Test
  void aUsersSessionsComeFromTheOwnerIndex() throws SQLException {
    String busyUser = single("SELECT md5('profile 0')::uuid");
    assertThat(single("SELECT count(*) FROM sessions WHERE owner_profile_id = " + quote(busyUser)))
        .isEqualTo("500");
    for (Plan plan : plans(SessionRecords.OWNED, quote(busyUser), "21", "0")) {
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .containsExactly("Index Scan using sessions_owner_idx");
      assertThat(plan.nodeTypes()).as(plan.text()).doesNotContain("Sort");
    }
    for (Plan plan : plans(SessionRecords.OWNED, quote(busyUser), "21", "400")) {
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .singleElement()
          .satisfies(scan -> assertThat(scan).endsWith("using sessions_owner_idx"));
    }
  }

  @Test
  void writingAProfileUsesThePrimaryKeyAsArbiter() throws SQLException {
    for (Plan plan : plans(ProfileRecords.UPSERT, "md5('profile 7')::uuid", "'Ana'")) {
      assertThat(plan.arbiterIndexes()).as(plan.text()).containsExactly("profiles_pkey");
      assertThat(plan.scansOf("profiles")).as(plan.text()).isEmpty();
    }
  }

  @Test
  void findingASessionUsesThePrimaryKey() throws SQLException {
    for (Plan plan : plans(SessionRecords.FIND, quote(busiest))) {
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .containsExactly("Index Scan using sessions_pkey");
    }
  }

  @Test
  void liveSessionsComeFromThePartialIndexAlreadyInExpiryOrder() throws SQLException {
    for (Plan plan : plans(SessionRecords.LIVE)) {
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .containsExactly("Index Scan using sessions_live_idx");
      assertThat(plan.nodeTypes()).as(plan.text()).doesNotContain("Sort");
    }
  }

  @Test
  void endingASessionFindsItsRowByPrimaryKey() throws SQLException {
    for (Plan plan : plans(SessionRecords.END, quote(busiest), AT, "'closed'")) {
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .containsExactly("Index Scan using sessions_pkey");
    }
  }

  @Test
  void changingAnEpochFindsTheRowByPrimaryKey() throws SQLException {
    for (Plan plan : plans(SessionRecords.SET_EPOCH, quote(busiest), "'e2'")) {
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .containsExactly("Index Scan using sessions_pkey");
    }
  }

  /**
   * A batch advances one row per session it touches and inserts its messages, checking duplicates
   * through the primary key. It is planned with 50 sessions, a busy batch: at this table size
   * PostgreSQL rightly switches to a hash join over a sequential scan once a batch touches about 1%
   * of all sessions (some 200 here), which a larger table pushes further away.
   */
  @Test
  void archivingMessagesFindsSessionsAndDuplicatesThroughPrimaryKeys() throws SQLException {
    List<String> codes = live.subList(0, 50);
    for (Plan plan :
        plans(
            MessageArchive.ARCHIVE,
            array(codes),
            array(Collections.nCopies(codes.size(), "20000")),
            array(Collections.nCopies(codes.size(), "2026-11-25T12:00:00Z")),
            array(Collections.nCopies(codes.size(), "client-1")),
            array(Collections.nCopies(codes.size(), "Ana")),
            array(Collections.nCopies(codes.size(), "controller")),
            array(Collections.nCopies(codes.size(), "hello")),
            array(codes),
            array(Collections.nCopies(codes.size(), "20000")),
            array(Collections.nCopies(codes.size(), "2026-11-25T12:00:00Z")))) {
      assertThat(plan.arbiterIndexes()).as(plan.text()).containsExactly("messages_pkey");
      assertThat(plan.scansOf("messages")).as(plan.text()).isEmpty();
      assertThat(plan.scansOf("sessions"))
          .as("each session advanced, and its clearing point read, once")
          .containsExactly("Index Scan using sessions_pkey");
    }
  }

  /**
   * Warming the hot window must read only the newest messages of each live session, walking the
   * primary key backwards. With a LIMIT the planner can see, PostgreSQL (estimating ten messages
   * per session, the table average) reads and sorts every message of each session: all 10,000 of
   * the busiest one. The query hides its limit in a sub-select to keep the ordered index walk.
   */
  @Test
  void recentHistoryWalksThePrimaryKeyBackwardsPerSession() throws SQLException {
    for (Plan plan : plans(MessageArchive.RECENT, array(live), "100")) {
      assertThat(plan.scansOf("messages"))
          .as(plan.text())
          .containsExactly("Index Scan Backward using messages_pkey");
      assertThat(plan.nodeTypes()).as(plan.text()).doesNotContain("Sort");
    }
  }

  /**
   * The history reads get the busiest session's hot window (its newest 100 messages, all archived
   * already, as usual): each window message is looked up by primary key, and the archive is read
   * through the primary key as well, the page backwards from the newest.
   */
  @Test
  void historyPageWalksThePrimaryKeyBackwards() throws SQLException {
    for (Plan plan : plans(HistorySql.PAGE, window(busiest, 20, 0))) {
      assertOnlyPrimaryKeys(plan);
      assertThat(plan.scansOf("messages"))
          .as(plan.text())
          .contains("Index Scan Backward using messages_pkey");
    }
  }

  @Test
  void latestHistoryWalksThePrimaryKeyBackwards() throws SQLException {
    for (Plan plan : plans(HistorySql.LATEST, window(busiest, 20))) {
      assertOnlyPrimaryKeys(plan);
      assertThat(plan.scansOf("messages"))
          .as(plan.text())
          .contains("Index Scan Backward using messages_pkey");
    }
  }

  @Test
  void historyStatsReadOnlyTheSessionsMessages() throws SQLException {
    for (Plan plan : plans(HistorySql.STATS, window(busiest))) {
      assertOnlyPrimaryKeys(plan);
    }
  }

  /**
   * Matches come from the search index, whose keys carry the session code (V3). A generic plan
   * cannot see the query, so it may read the session's messages by primary key instead; never the
   * table.
   */
  @Test
  void searchUsesTheSessionsSearchIndex() throws SQLException {
    for (Plan plan : plans(HistorySql.SEARCH, window(busiest, "'message 123'", "'{}'", 20, 0))) {
      if (plan.mode() == Mode.CUSTOM) {
        assertThat(plan.scansOf("messages"))
            .as(plan.text())
            .contains("Bitmap Heap Scan using messages_session_terms_idx");
      }
      assertThat(plan.scansOf("messages"))
          .as(plan.text())
          .allMatch(scan -> scan.contains(" using messages_"));
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .containsOnly("Index Scan using sessions_pkey");
    }
  }

  @Test
  void clearingHistoryFindsTheSessionAndItsMessagesByPrimaryKey() throws SQLException {
    for (Plan plan : plans(HistorySql.CLEAR_THROUGH, quote(busiest), "5000")) {
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .containsExactly("Index Scan using sessions_pkey");
    }
    for (Plan plan : plans(HistorySql.DELETE_THROUGH, quote(busiest), "5000")) {
      assertThat(plan.scansOf("messages"))
          .as(plan.text())
          .allMatch(scan -> scan.endsWith("using messages_pkey"));
      assertThat(plan.scansOf("messages")).as(plan.text()).isNotEmpty();
    }
  }

  // ---- retention (RetentionSweep) ----

  /** The oldest sessions past the cutoff, ended or expired, each kind from its partial index. */
  @Test
  void retentionFindsExpiredSessionsThroughTheirIndexes() throws SQLException {
    for (Plan plan : plans(RetentionSweep.EXPIRED_SESSIONS, CUTOFF, "100")) {
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .containsExactly(
              "Index Scan using sessions_ended_idx", "Index Scan using sessions_live_idx");
      assertThat(plan.nodeTypes()).as(plan.text()).doesNotContain("Sort");
    }
  }

  @Test
  void retentionDeletesMessagesByRowIdFoundThroughThePrimaryKey() throws SQLException {
    List<String> ended =
        column("SELECT code FROM sessions WHERE ended_at IS NOT NULL ORDER BY ended_at LIMIT 100");
    for (Plan plan : plans(RetentionSweep.DELETE_MESSAGES, array(ended), "1000")) {
      assertThat(plan.scansOf("messages"))
          .as(plan.text())
          .contains("Tid Scan")
          .allMatch(scan -> scan.equals("Tid Scan") || scan.endsWith("using messages_pkey"));
    }
    for (Plan plan : plans(RetentionSweep.DELETE_SESSIONS, array(ended), CUTOFF)) {
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .isNotEmpty()
          .allMatch(scan -> scan.endsWith("using sessions_pkey"));
    }
  }

  @Test
  void retentionDeletesTheOldestEventsThroughTheTimeIndex() throws SQLException {
    for (Plan plan : plans(RetentionSweep.DELETE_EVENTS, "now() - interval '80 days'", "1000")) {
      assertThat(plan.scansOf("analytics_events"))
          .as(plan.text())
          .containsExactlyInAnyOrder("Tid Scan", "Index Scan using analytics_events_time_idx");
      assertThat(plan.nodeTypes()).as(plan.text()).doesNotContain("Sort");
    }
  }

  // ---- the analytics report (AnalyticsReport), over a week 30 days back ----

  private static final String CUTOFF = "now() - interval '1 day'";
  private static final String[] WEEK = {"now() - interval '37 days'", "now() - interval '30 days'"};

  @Test
  void reportCountsEventsFromTheTimeIndexAlone() throws SQLException {
    for (Plan plan : plans(AnalyticsReport.COUNTS, WEEK)) {
      assertThat(plan.scansOf("analytics_events"))
          .as(plan.text())
          .containsExactly("Index Only Scan using analytics_events_time_idx");
    }
  }

  @Test
  void reportDetailsReadTheRangeThroughTheTimeIndex() throws SQLException {
    for (Plan plan : plans(AnalyticsReport.DETAILS, WEEK)) {
      assertThat(plan.scansOf("analytics_events"))
          .as(plan.text())
          .containsExactly("Index Scan using analytics_events_time_idx");
    }
  }

  /** Sessions created in the range, each one's end found by session code. */
  @Test
  void reportDurationsFindEachSessionsEndByItsCode() throws SQLException {
    for (Plan plan : plans(AnalyticsReport.DURATIONS, WEEK)) {
      assertThat(plan.scansOf("analytics_events"))
          .as(plan.text())
          .containsExactlyInAnyOrder(
              "Index Scan using analytics_events_time_idx",
              "Index Scan using analytics_events_ended_idx");
    }
  }

  @Test
  void reportPeakReadsJoinsLeavesAndEndsThroughTheTimeIndex() throws SQLException {
    for (Plan plan :
        plans(
            AnalyticsReport.PEAK,
            WEEK[0],
            WEEK[1],
            "now() - interval '38 days' - interval '1 hour'")) {
      assertThat(plan.scansOf("analytics_events"))
          .as(plan.text())
          .containsExactly("Index Scan using analytics_events_time_idx");
    }
  }

  private static void assertOnlyPrimaryKeys(Plan plan) {
    assertThat(plan.scansOf("messages"))
        .as(plan.text())
        .isNotEmpty()
        .allMatch(scan -> scan.endsWith("using messages_pkey"));
    assertThat(plan.scansOf("sessions"))
        .as(plan.text())
        .containsOnly("Index Scan using sessions_pkey");
  }

  /** The session code, its hot window as the statements take it ($2..$7), then {@code more}. */
  private String[] window(String code, Object... more) throws SQLException {
    List<String> seqs = new ArrayList<>();
    List<String> times = new ArrayList<>();
    List<String> bodies = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT seq, sent_at, body FROM messages WHERE session_code = "
                    + quote(code)
                    + " ORDER BY seq DESC LIMIT 100")) {
      while (rs.next()) {
        seqs.add(0, rs.getString(1));
        times.add(0, rs.getObject(2, java.time.OffsetDateTime.class).toString());
        bodies.add(0, rs.getString(3));
      }
    }
    List<String> args = new ArrayList<>();
    args.add(quote(code));
    args.add(array(seqs));
    args.add(array(times));
    args.add(array(Collections.nCopies(seqs.size(), "client-1")));
    args.add(array(Collections.nCopies(seqs.size(), "Ana")));
    args.add(array(Collections.nCopies(seqs.size(), "controller")));
    args.add(array(bodies));
    for (Object o : more) {
      args.add(o.toString());
    }
    return args.toArray(new String[0]);
  }

  /**
   * server_state holds a handful of rows on one page, where a sequential scan is the cheapest plan
   * and the one PostgreSQL picks; what matters is that the key lookup can use the primary key.
   */
  @Test
  void serverStateIsReadByPrimaryKeyWhenItIsWorthIt() throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute("SET enable_seqscan = off");
      for (Plan plan : plans(ServerState.SELECT, "'memory_clean_shutdown'")) {
        assertThat(plan.scansOf("server_state"))
            .as(plan.text())
            .containsExactly("Index Scan using server_state_pkey");
      }
    } finally {
      try (Statement s = db.createStatement()) {
        s.execute("RESET enable_seqscan");
      }
    }
  }

  @Test
  void serverStateUpsertUsesThePrimaryKeyAsArbiter() throws SQLException {
    for (Plan plan : plans(ServerState.UPSERT, "'memory_clean_shutdown'", "'false'")) {
      assertThat(plan.arbiterIndexes()).as(plan.text()).containsExactly("server_state_pkey");
    }
  }

  /** Prepares {@code sql} as the server does and explains it in both plan modes. */
  private List<Plan> plans(String sql, String... args) throws SQLException {
    List<Plan> out = new ArrayList<>();
    try (Statement s = db.createStatement()) {
      for (Mode mode : Mode.values()) {
        s.execute("SET plan_cache_mode = " + mode.setting);
        s.execute("PREPARE q AS " + sql);
        try (ResultSet rs =
            s.executeQuery(
                "EXPLAIN (FORMAT JSON) EXECUTE q"
                    + (args.length == 0 ? "" : "(" + String.join(", ", args) + ")"))) {
          rs.next();
          out.add(new Plan(mode, new JsonArray(rs.getString(1)).getJsonObject(0)));
        } finally {
          s.execute("DEALLOCATE q");
        }
      }
      s.execute("RESET plan_cache_mode");
    }
    return out;
  }

  private String single(String sql) throws SQLException {
    return column(sql).get(0);
  }

  private List<String> column(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static String array(List<String> values) {
    return quote(
        values.stream().map(v -> '"' + v + '"').collect(Collectors.joining(",", "{", "}")));
  }

  /** One EXPLAIN (FORMAT JSON) result: {@code {"Plan": {...}}}. */
  private record Plan(Mode mode, JsonObject explained) {
    JsonObject root() {
      return explained.getJsonObject("Plan");
    }

    List<JsonObject> nodes() {
      List<JsonObject> out = new ArrayList<>();
      collect(root(), out);
      return out;
    }

    List<String> nodeTypes() {
      return nodes().stream().map(n -> n.getString("Node Type")).toList();
    }

    /** How each scan reaches {@code table}, in the words of text EXPLAIN. */
    List<String> scansOf(String table) {
      List<String> out = new ArrayList<>();
      for (JsonObject node : nodes()) {
        String type = node.getString("Node Type");
        if (!table.equals(node.getString("Relation Name")) || "ModifyTable".equals(type)) {
          continue;
        }
        if ("Bitmap Heap Scan".equals(type)) {
          List<JsonObject> below = new ArrayList<>();
          collectBitmapInputs(node, below);
          for (JsonObject b : below) {
            if (b.containsKey("Index Name")) {
              out.add(type + " using " + b.getString("Index Name"));
            }
          }
        } else if (node.containsKey("Index Name")) {
          boolean backward = "Backward".equals(node.getString("Scan Direction"));
          out.add(type + (backward ? " Backward" : "") + " using " + node.getString("Index Name"));
        } else {
          out.add(type);
        }
      }
      return out;
    }

    List<String> arbiterIndexes() {
      JsonArray arbiters = root().getJsonArray("Conflict Arbiter Indexes", new JsonArray());
      return arbiters.stream().map(String::valueOf).toList();
    }

    String text() {
      return mode + " plan:\n" + explained.encodePrettily();
    }

    /** The index scans feeding a bitmap, not the sub-plans that compute its parameters. */
    private static void collectBitmapInputs(JsonObject node, List<JsonObject> out) {
      out.add(node);
      JsonArray children = node.getJsonArray("Plans");
      if (children != null) {
        for (int i = 0; i < children.size(); i++) {
          JsonObject child = children.getJsonObject(i);
          String relation = child.getString("Parent Relationship", "");
          if (!relation.equals("InitPlan") && !relation.equals("SubPlan")) {
            collectBitmapInputs(child, out);
          }
        }
      }
    }

    private static void collect(JsonObject node, List<JsonObject> out) {
      out.add(node);
      JsonArray children = node.getJsonArray("Plans");
      if (children != null) {
        for (int i = 0; i < children.size(); i++) {
          collect(children.getJsonObject(i), out);
        }
      }
    }
  }
}
