package dev.marquee.analytics;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code GET /api/admin/analytics} answers (docs/analytics.md), read from {@code
 * analytics_events} over a range of time [from, to). Four statements, each reading the range
 * through the indexes of the retention migration (V5__retention.sql; QueryPlansTest).
 */
public final class AnalyticsReport {
  /** Every event type, in the order reports list them. */
  public static final List<String> TYPES =
      List.of(
          AnalyticsLog.SESSION_CREATED,
          AnalyticsLog.SESSION_ENDED,
          AnalyticsLog.MEMBER_JOINED,
          AnalyticsLog.MEMBER_LEFT,
          AnalyticsLog.MESSAGE_SENT,
          AnalyticsLog.MESSAGE_REFUSED,
          AnalyticsLog.RATE_LIMITED,
          AnalyticsLog.REJOINED);

  /** Session duration buckets: [0, 5 min), [5, 30 min), [30 min, 2 h), 2 h or more, still open. */
  public static final List<String> BUCKETS =
      List.of("under5m", "from5mTo30m", "from30mTo2h", "over2h", "open");

  /** Events per type and UTC day, from the time index alone ($1 from, $2 to). */
  public static final String COUNTS =
      "SELECT type, (date_trunc('day', occurred_at, 'UTC') AT TIME ZONE 'UTC')::date AS day,"
          + " count(*) AS count FROM analytics_events"
          + " WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY 1, 2";

  /** Each type's events by the detail it is recorded with: reason, role, kind or recovery. */
  public static final String DETAILS =
      "SELECT type, CASE type WHEN 'member_joined' THEN data->>'role'"
          + " WHEN 'member_left' THEN data->>'role' WHEN 'rate_limited' THEN data->>'kind'"
          + " WHEN 'rejoined' THEN CASE WHEN (data->>'recovered')::boolean THEN 'recovered'"
          + " ELSE 'not_recovered' END ELSE data->>'reason' END AS detail, count(*) AS count"
          + " FROM analytics_events WHERE type IN ('session_ended', 'member_joined', 'member_left',"
          + " 'message_refused', 'rate_limited', 'rejoined')"
          + " AND occurred_at >= $1 AND occurred_at < $2 GROUP BY 1, 2";

  /**
   * Sessions created in the range by how long they lasted: each one's first end recorded after its
   * creation, found by session through {@code analytics_events_ended_idx}; none means still open.
   */
  public static final String DURATIONS =
      "SELECT CASE WHEN e.duration IS NULL THEN 'open' WHEN e.duration < 300000 THEN 'under5m'"
          + " WHEN e.duration < 1800000 THEN 'from5mTo30m' WHEN e.duration < 7200000"
          + " THEN 'from30mTo2h' ELSE 'over2h' END AS bucket, count(*) AS count"
          + " FROM (SELECT session_code, occurred_at FROM analytics_events"
          + " WHERE type = 'session_created' AND occurred_at >= $1 AND occurred_at < $2) c"
          + " LEFT JOIN LATERAL (SELECT (data->>'durationMs')::bigint AS duration"
          + " FROM analytics_events e WHERE e.type = 'session_ended'"
          + " AND e.session_code = c.session_code AND e.occurred_at >= c.occurred_at"
          + " ORDER BY e.occurred_at LIMIT 1) e ON true GROUP BY 1";

  /**
   * The number of members present, after each join, leave and session end from $3 (far enough
   * before $1 that every member present at $1 joined after it) up to $2: a join adds one, a leave
   * takes one, and a session's end takes all its members still counted (they are not recorded as
   * leaving one by one). Answers two rows: the count just before $1 (absent if nothing happened
   * before), and the highest count within [$1, $2) with the first time it was reached (absent if
   * nothing happened in the range).
   */
  public static final String PEAK =
      "WITH ev AS (SELECT id, occurred_at AS at, session_code, type,"
          + " CASE type WHEN 'member_joined' THEN 1 WHEN 'member_left' THEN -1 ELSE 0 END AS d"
          + " FROM analytics_events WHERE type IN ('member_joined', 'member_left', 'session_ended')"
          + " AND occurred_at >= $3 AND occurred_at < $2),"
          // A session's events since its last end: codes may be given out again later.
          + " seg AS (SELECT *, count(*) FILTER (WHERE type = 'session_ended') OVER (PARTITION BY"
          + " session_code ORDER BY at, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS n"
          + " FROM ev),"
          + " per AS (SELECT id, at, type, d, sum(d) OVER (PARTITION BY session_code, n"
          + " ORDER BY at, id) AS members FROM seg),"
          + " total AS (SELECT id, at, sum(CASE WHEN type = 'session_ended' THEN -members"
          + " ELSE d END) OVER (ORDER BY at, id) AS online FROM per)"
          + " (SELECT 'before' AS part, online, at FROM total WHERE at < $1"
          + " ORDER BY at DESC, id DESC LIMIT 1)"
          + " UNION ALL (SELECT 'peak', online, at FROM total WHERE at >= $1"
          + " ORDER BY online DESC, at, id LIMIT 1)";

  /** The highest number of members present at once, and when it was first reached. */
  public record Peak(long count, Instant at) {}

  /**
   * The report over [from, to): counts per type (every known type, zeros included), per UTC day
   * (every day the range touches), details per type, session duration buckets and the peak.
   */
  public record Report(
      Instant from,
      Instant to,
      Map<String, Long> counts,
      Map<LocalDate, Map<String, Long>> byDay,
      Map<String, Map<String, Long>> details,
      Map<String, Long> durations,
      Peak peak) {}

  private final Pool pool;
  private final Duration lookback;

  /**
   * {@code maxLifetime} bounds how long before a range its members may have joined; an hour more
   * covers sessions ended a little after their lifetime (by the next sweep, or after a restart).
   */
  public AnalyticsReport(Pool pool, Duration maxLifetime) {
    this.pool = pool;
    this.lookback = maxLifetime.plusHours(1);
  }

  public Future<Report> report(Instant from, Instant to) {
    Tuple range = Tuple.of(utc(from), utc(to));
    Future<Map<String, Map<LocalDate, Long>>> counts = query(COUNTS, range).map(this::counts);
    Future<Map<String, Map<String, Long>>> details = query(DETAILS, range).map(this::details);
    Future<Map<String, Long>> durations = query(DURATIONS, range).map(this::durations);
    Future<Peak> peak =
        query(PEAK, Tuple.of(utc(from), utc(to), utc(from.minus(lookback))))
            .map(rows -> peak(rows, from));
    return Future.all(counts, details, durations, peak)
        .map(
            all -> {
              Map<String, Long> totals = new LinkedHashMap<>();
              TYPES.forEach(t -> totals.put(t, 0L));
              Map<LocalDate, Map<String, Long>> byDay = new TreeMap<>();
              for (LocalDate day = day(from);
                  day.atStartOfDay().toInstant(ZoneOffset.UTC).isBefore(to);
                  day = day.plusDays(1)) {
                Map<String, Long> zero = new LinkedHashMap<>();
                TYPES.forEach(t -> zero.put(t, 0L));
                byDay.put(day, zero);
              }
              counts
                  .result()
                  .forEach(
                      (type, days) ->
                          days.forEach(
                              (day, n) -> {
                                totals.merge(type, n, Long::sum);
                                byDay
                                    .computeIfAbsent(day, d -> new LinkedHashMap<>())
                                    .merge(type, n, Long::sum);
                              }));
              return new Report(
                  from, to, totals, byDay, details.result(), durations.result(), peak.result());
            });
  }

  private Future<Iterable<Row>> query(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).map(rows -> rows);
  }

  private Map<String, Map<LocalDate, Long>> counts(Iterable<Row> rows) {
    Map<String, Map<LocalDate, Long>> out = new TreeMap<>();
    for (Row row : rows) {
      out.computeIfAbsent(row.getString("type"), t -> new TreeMap<>())
          .put(row.getLocalDate("day"), row.getLong("count"));
    }
    return out;
  }

  private Map<String, Map<String, Long>> details(Iterable<Row> rows) {
    Map<String, Map<String, Long>> out = new LinkedHashMap<>();
    for (String type :
        List.of(
            AnalyticsLog.SESSION_ENDED,
            AnalyticsLog.MEMBER_JOINED,
            AnalyticsLog.MEMBER_LEFT,
            AnalyticsLog.MESSAGE_REFUSED,
            AnalyticsLog.RATE_LIMITED,
            AnalyticsLog.REJOINED)) {
      out.put(type, new TreeMap<>());
    }
    for (Row row : rows) {
      String detail = row.getString("detail");
      out.get(row.getString("type"))
          .merge(detail == null ? "unknown" : detail, row.getLong("count"), Long::sum);
    }
    return out;
  }

  private Map<String, Long> durations(Iterable<Row> rows) {
    Map<String, Long> out = new LinkedHashMap<>();
    BUCKETS.forEach(b -> out.put(b, 0L));
    for (Row row : rows) {
      out.put(row.getString("bucket"), row.getLong("count"));
    }
    return out;
  }

  /** The peak within the range, or the count it started with if that was higher (or all). */
  private static Peak peak(Iterable<Row> rows, Instant from) {
    Peak before = new Peak(0, null);
    Peak within = new Peak(0, null);
    for (Row row : rows) {
      long online = Math.max(0, row.getLong("online"));
      if ("before".equals(row.getString("part"))) {
        before = new Peak(online, online > 0 ? from : null);
      } else {
        within = new Peak(online, online > 0 ? row.getOffsetDateTime("at").toInstant() : null);
      }
    }
    return before.count() >= within.count() && before.count() > 0 ? before : within;
  }

  private static LocalDate day(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC).toLocalDate();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
