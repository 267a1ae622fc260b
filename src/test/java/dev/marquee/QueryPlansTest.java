package dev.marquee;

import static dev.marquee.PlannedTables.array;
import static dev.marquee.PlannedTables.quote;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.PlannedTables.Plan;
import dev.marquee.history.HistorySql;
import dev.marquee.history.MessageArchive;
import dev.marquee.profile.ProfileRecords;
import dev.marquee.session.SessionRecords;
import dev.marquee.store.ServerState;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every query the server runs, planned by PostgreSQL over tables of a realistic size, must reach
 * its rows through the index the migration made for it. Both plan shapes are checked: a custom plan
 * (what a statement prepared for one execution gets, which is how the pool runs queries today) and
 * a generic plan (what PostgreSQL switches to if prepared statements are ever cached). It lives in
 * the root package because it reads the SQL of several features; the retention sweep's and the
 * analytics report's are in {@link ReportQueryPlansTest}, the tables in {@link PlannedTables}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryPlansTest {
  private static final String AT = "'2026-11-25T12:00:00Z'";

  private PlannedTables tables;
  private String busiest;
  private List<String> live;

  @BeforeAll
  void loadRealisticVolume() throws SQLException {
    tables = PlannedTables.load();
    busiest = tables.busiest;
    live = tables.live;
  }

  @AfterAll
  void dropDatabase() throws SQLException {
    if (tables != null) {
      tables.close();
    }
  }

  @Test
  void creatingASessionChecksItsCodeThroughThePrimaryKey() throws SQLException {
    for (Plan plan :
        tables.plans(
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
    String busyUser = tables.single("SELECT md5('profile 0')::uuid");
    assertThat(
            tables.single(
                "SELECT count(*) FROM sessions WHERE owner_profile_id = " + quote(busyUser)))
        .isEqualTo("500");
    for (Plan plan : tables.plans(SessionRecords.OWNED, quote(busyUser), "21", "0")) {
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .containsExactly("Index Scan using sessions_owner_idx");
      assertThat(plan.nodeTypes()).as(plan.text()).doesNotContain("Sort");
    }
    for (Plan plan : tables.plans(SessionRecords.OWNED, quote(busyUser), "21", "400")) {
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .singleElement()
          .satisfies(scan -> assertThat(scan).endsWith("using sessions_owner_idx"));
    }
  }

  @Test
  void writingAProfileUsesThePrimaryKeyAsArbiter() throws SQLException {
    for (Plan plan : tables.plans(ProfileRecords.UPSERT, "md5('profile 7')::uuid", "'Ana'")) {
      assertThat(plan.arbiterIndexes()).as(plan.text()).containsExactly("profiles_pkey");
      assertThat(plan.scansOf("profiles")).as(plan.text()).isEmpty();
    }
  }

  @Test
  void findingASessionUsesThePrimaryKey() throws SQLException {
    for (Plan plan : tables.plans(SessionRecords.FIND, quote(busiest))) {
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .containsExactly("Index Scan using sessions_pkey");
    }
  }

  @Test
  void liveSessionsComeFromThePartialIndexAlreadyInExpiryOrder() throws SQLException {
    for (Plan plan : tables.plans(SessionRecords.LIVE)) {
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .containsExactly("Index Scan using sessions_live_idx");
      assertThat(plan.nodeTypes()).as(plan.text()).doesNotContain("Sort");
    }
  }

  @Test
  void endingASessionFindsItsRowByPrimaryKey() throws SQLException {
    for (Plan plan : tables.plans(SessionRecords.END, quote(busiest), AT, "'closed'")) {
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .containsExactly("Index Scan using sessions_pkey");
    }
  }

  @Test
  void changingAnEpochFindsTheRowByPrimaryKey() throws SQLException {
    for (Plan plan : tables.plans(SessionRecords.SET_EPOCH, quote(busiest), "'e2'")) {
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
        tables.plans(
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
    for (Plan plan : tables.plans(MessageArchive.RECENT, array(live), "100")) {
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
    for (Plan plan : tables.plans(HistorySql.PAGE, tables.window(busiest, 20, 0))) {
      assertOnlyPrimaryKeys(plan);
      assertThat(plan.scansOf("messages"))
          .as(plan.text())
          .contains("Index Scan Backward using messages_pkey");
    }
  }

  @Test
  void latestHistoryWalksThePrimaryKeyBackwards() throws SQLException {
    for (Plan plan : tables.plans(HistorySql.LATEST, tables.window(busiest, 20))) {
      assertOnlyPrimaryKeys(plan);
      assertThat(plan.scansOf("messages"))
          .as(plan.text())
          .contains("Index Scan Backward using messages_pkey");
    }
  }

  @Test
  void historyStatsReadOnlyTheSessionsMessages() throws SQLException {
    for (Plan plan : tables.plans(HistorySql.STATS, tables.window(busiest))) {
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
    for (Plan plan :
        tables.plans(HistorySql.SEARCH, tables.window(busiest, "'message 123'", "'{}'", 20, 0))) {
      if (plan.mode() == PlannedTables.Mode.CUSTOM) {
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
    for (Plan plan : tables.plans(HistorySql.CLEAR_THROUGH, quote(busiest), "5000")) {
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .containsExactly("Index Scan using sessions_pkey");
    }
    for (Plan plan : tables.plans(HistorySql.DELETE_THROUGH, quote(busiest), "5000")) {
      assertThat(plan.scansOf("messages"))
          .as(plan.text())
          .allMatch(scan -> scan.endsWith("using messages_pkey"));
      assertThat(plan.scansOf("messages")).as(plan.text()).isNotEmpty();
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

  /**
   * server_state holds a handful of rows on one page, where a sequential scan is the cheapest plan
   * and the one PostgreSQL picks; what matters is that the key lookup can use the primary key.
   */
  @Test
  void serverStateIsReadByPrimaryKeyWhenItIsWorthIt() throws SQLException {
    try {
      tables.execute("SET enable_seqscan = off");
      for (Plan plan : tables.plans(ServerState.SELECT, "'memory_clean_shutdown'")) {
        assertThat(plan.scansOf("server_state"))
            .as(plan.text())
            .containsExactly("Index Scan using server_state_pkey");
      }
    } finally {
      tables.execute("RESET enable_seqscan");
    }
  }

  @Test
  void serverStateUpsertUsesThePrimaryKeyAsArbiter() throws SQLException {
    for (Plan plan : tables.plans(ServerState.UPSERT, "'memory_clean_shutdown'", "'false'")) {
      assertThat(plan.arbiterIndexes()).as(plan.text()).containsExactly("server_state_pkey");
    }
  }
}
