package dev.marquee;

import static dev.marquee.PlannedTables.array;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.PlannedTables.Plan;
import dev.marquee.analytics.AnalyticsReport;
import dev.marquee.retention.RetentionSweep;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The retention sweep's and the analytics report's queries over tables of a realistic size (see
 * {@link PlannedTables}): each reaches its rows through the index the migration made for it, in
 * both plan modes. The live path's queries are in {@link QueryPlansTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportQueryPlansTest {
  private static final String CUTOFF = "now() - interval '1 day'";

  /** The report's range: a week, 30 days back. */
  private static final String[] WEEK = {"now() - interval '37 days'", "now() - interval '30 days'"};

  private PlannedTables tables;

  @BeforeAll
  void loadRealisticVolume() throws SQLException {
    tables = PlannedTables.load();
  }

  @AfterAll
  void dropDatabase() throws SQLException {
    if (tables != null) {
      tables.close();
    }
  }

  // ---- retention (RetentionSweep) ----

  /** The oldest sessions past the cutoff, ended or expired, each kind from its partial index. */
  @Test
  void retentionFindsExpiredSessionsThroughTheirIndexes() throws SQLException {
    for (Plan plan : tables.plans(RetentionSweep.EXPIRED_SESSIONS, CUTOFF, "100")) {
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
        tables.column(
            "SELECT code FROM sessions WHERE ended_at IS NOT NULL ORDER BY ended_at LIMIT 100");
    for (Plan plan : tables.plans(RetentionSweep.DELETE_MESSAGES, array(ended), "1000")) {
      assertThat(plan.scansOf("messages"))
          .as(plan.text())
          .contains("Tid Scan")
          .allMatch(scan -> scan.equals("Tid Scan") || scan.endsWith("using messages_pkey"));
    }
    for (Plan plan : tables.plans(RetentionSweep.DELETE_SESSIONS, array(ended), CUTOFF)) {
      assertThat(plan.scansOf("sessions"))
          .as(plan.text())
          .isNotEmpty()
          .allMatch(scan -> scan.endsWith("using sessions_pkey"));
    }
  }

  @Test
  void retentionDeletesTheOldestEventsThroughTheTimeIndex() throws SQLException {
    for (Plan plan :
        tables.plans(RetentionSweep.DELETE_EVENTS, "now() - interval '80 days'", "1000")) {
      assertThat(plan.scansOf("analytics_events"))
          .as(plan.text())
          .containsExactlyInAnyOrder("Tid Scan", "Index Scan using analytics_events_time_idx");
      assertThat(plan.nodeTypes()).as(plan.text()).doesNotContain("Sort");
    }
  }

  // ---- the analytics report (AnalyticsReport), over a week 30 days back ----

  @Test
  void reportCountsEventsFromTheTimeIndexAlone() throws SQLException {
    for (Plan plan : tables.plans(AnalyticsReport.COUNTS, WEEK)) {
      assertThat(plan.scansOf("analytics_events"))
          .as(plan.text())
          .containsExactly("Index Only Scan using analytics_events_time_idx");
    }
  }

  @Test
  void reportDetailsReadTheRangeThroughTheTimeIndex() throws SQLException {
    for (Plan plan : tables.plans(AnalyticsReport.DETAILS, WEEK)) {
      assertThat(plan.scansOf("analytics_events"))
          .as(plan.text())
          .containsExactly("Index Scan using analytics_events_time_idx");
    }
  }

  /** Sessions created in the range, each one's end found by session code. */
  @Test
  void reportDurationsFindEachSessionsEndByItsCode() throws SQLException {
    for (Plan plan : tables.plans(AnalyticsReport.DURATIONS, WEEK)) {
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
        tables.plans(
            AnalyticsReport.PEAK,
            WEEK[0],
            WEEK[1],
            "now() - interval '38 days' - interval '1 hour'")) {
      assertThat(plan.scansOf("analytics_events"))
          .as(plan.text())
          .containsExactly("Index Scan using analytics_events_time_idx");
    }
  }
}
