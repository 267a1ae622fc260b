package dev.marquee.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.MutableClock;
import dev.marquee.testing.TestPostgres;
import dev.marquee.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET /api/admin/analytics} over events written straight into the table at known times, so
 * every figure is known exactly (docs/analytics.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyticsReportTest {
  private static final String ADMIN = "admin-token-for-analytics";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** The three days of the fixture: D, D+1, D+2 (2026-11-10 to 2026-11-12). */
  private static final String D0 = "2026-11-10";

  private static final String D1 = "2026-11-11";
  private static final String D2 = "2026-11-12";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-13T12:00:00Z"));
  private TestServer server;

  @BeforeAll
  void start() throws Exception {
    server = TestServer.start(Map.of("ADMIN_TOKEN", ADMIN), clock);
    try (Connection c = TestPostgres.connect(server.database());
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO analytics_events (type, session_code, occurred_at, data)"
                    + " VALUES (?, ?, ?, ?::jsonb)")) {
      // G: open when the range starts, with three members; ends at 01:00 on D.
      event(insert, "2026-11-09T23:00:00Z", "session_created", "GGGGGG", "{}");
      for (int i = 0; i < 3; i++) {
        event(insert, "2026-11-09T23:10:0" + i + "Z", "member_joined", "GGGGGG", controller());
      }
      event(insert, "2026-11-09T12:00:00Z", "message_sent", "GGGGGG", "{}");
      event(insert, D0 + "T01:00:00Z", "session_ended", "GGGGGG", ended("expired", 7_800_000));
      // A: 3 minutes, three members, one leaves.
      event(insert, D0 + "T10:00:00Z", "session_created", "AAAAAA", "{}");
      event(insert, D0 + "T10:00:10Z", "member_joined", "AAAAAA", display());
      event(insert, D0 + "T10:00:20Z", "member_joined", "AAAAAA", controller());
      event(insert, D0 + "T10:01:00Z", "member_joined", "AAAAAA", controller());
      for (int i = 0; i < 4; i++) {
        event(insert, D0 + "T10:01:1" + i + "Z", "message_sent", "AAAAAA", "{}");
      }
      event(insert, D0 + "T10:01:30Z", "rejoined", "AAAAAA", "{\"recovered\": true}");
      event(insert, D0 + "T10:02:00Z", "member_left", "AAAAAA", left("controller"));
      event(insert, D0 + "T10:03:00Z", "session_ended", "AAAAAA", ended("closed", 180_000));
      // B: 20 minutes, four members at 11:00:40 (the first day's peak), two leave.
      event(insert, D0 + "T11:00:00Z", "session_created", "BBBBBB", "{}");
      event(insert, D0 + "T11:00:10Z", "member_joined", "BBBBBB", controller());
      event(insert, D0 + "T11:00:20Z", "member_joined", "BBBBBB", controller());
      event(insert, D0 + "T11:00:30Z", "member_joined", "BBBBBB", display());
      event(insert, D0 + "T11:00:40Z", "member_joined", "BBBBBB", display());
      event(insert, D0 + "T11:10:00Z", "member_left", "BBBBBB", left("controller"));
      event(insert, D0 + "T11:10:01Z", "member_left", "BBBBBB", left("display"));
      event(insert, D0 + "T11:20:00Z", "session_ended", "BBBBBB", ended("inactive", 1_200_000));
      // C (1 hour, two members) and E (3 hours, three members) overlap: five at 09:42 on D+1.
      event(insert, D1 + "T09:00:00Z", "session_created", "CCCCCC", "{}");
      event(insert, D1 + "T09:01:00Z", "member_joined", "CCCCCC", controller());
      event(insert, D1 + "T09:02:00Z", "member_joined", "CCCCCC", controller());
      event(insert, D1 + "T09:05:00Z", "message_sent", "CCCCCC", "{}");
      event(insert, D1 + "T09:06:00Z", "message_sent", "CCCCCC", "{}");
      event(insert, D1 + "T09:07:00Z", "rate_limited", "CCCCCC", "{\"kind\": \"controller\"}");
      event(
          insert, D1 + "T09:07:00Z", "message_refused", "CCCCCC", "{\"reason\": \"rate_limited\"}");
      event(insert, D1 + "T09:08:00Z", "rejoined", "CCCCCC", "{\"recovered\": false}");
      event(insert, D1 + "T09:30:00Z", "session_created", "EEEEEE", "{}");
      event(insert, D1 + "T09:40:00Z", "member_joined", "EEEEEE", display());
      event(insert, D1 + "T09:41:00Z", "member_joined", "EEEEEE", controller());
      event(insert, D1 + "T09:42:00Z", "member_joined", "EEEEEE", controller());
      event(insert, D1 + "T10:00:00Z", "session_ended", "CCCCCC", ended("expired", 3_600_000));
      event(insert, D1 + "T12:30:00Z", "session_ended", "EEEEEE", ended("closed", 10_800_000));
      // F: still open.
      event(insert, D2 + "T08:00:00Z", "session_created", "FFFFFF", "{}");
      event(insert, D2 + "T08:01:00Z", "message_refused", "FFFFFF", "{\"reason\": \"forbidden\"}");
      event(insert, D2 + "T08:02:00Z", "rate_limited", null, "{\"kind\": \"http\"}");
      // Just past a range ending with D+2.
      event(insert, "2026-11-13T00:00:00Z", "message_sent", "FFFFFF", "{}");
    }
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void countsPerTypeAndDayAreExact() {
    JsonObject report = report("from=" + D0 + "&to=" + D2);

    assertThat(report.getString("from")).isEqualTo("2026-11-10T00:00:00Z");
    assertThat(report.getString("to")).isEqualTo("2026-11-13T00:00:00Z");
    assertThat(report.getJsonObject("counts").getMap())
        .containsExactlyEntriesOf(
            ordered(
                "session_created", 5,
                "session_ended", 5,
                "member_joined", 12,
                "member_left", 3,
                "message_sent", 6,
                "message_refused", 2,
                "rate_limited", 2,
                "rejoined", 2));
    JsonArray days = report.getJsonArray("byDay");
    assertThat(days).hasSize(3);
    assertThat(days.getJsonObject(0).getString("day")).isEqualTo(D0);
    assertThat(days.getJsonObject(0).getJsonObject("counts").getMap())
        .containsExactlyEntriesOf(
            ordered(
                "session_created", 2,
                "session_ended", 3,
                "member_joined", 7,
                "member_left", 3,
                "message_sent", 4,
                "message_refused", 0,
                "rate_limited", 0,
                "rejoined", 1));
    assertThat(days.getJsonObject(1).getJsonObject("counts").getMap())
        .containsExactlyEntriesOf(
            ordered(
                "session_created", 2,
                "session_ended", 2,
                "member_joined", 5,
                "member_left", 0,
                "message_sent", 2,
                "message_refused", 1,
                "rate_limited", 1,
                "rejoined", 1));
    assertThat(days.getJsonObject(2).getString("day")).isEqualTo(D2);
    assertThat(days.getJsonObject(2).getJsonObject("counts").getMap())
        .containsEntry("session_created", 1)
        .containsEntry("message_sent", 0)
        .containsEntry("message_refused", 1)
        .containsEntry("rate_limited", 1);
  }

  @Test
  void detailsBreakEachTypeDown() {
    JsonObject details = report("from=" + D0 + "&to=" + D2).getJsonObject("details");

    assertThat(details.getJsonObject("session_ended").getMap())
        .isEqualTo(Map.of("closed", 2, "expired", 2, "inactive", 1));
    assertThat(details.getJsonObject("member_joined").getMap())
        .isEqualTo(Map.of("display", 4, "controller", 8));
    assertThat(details.getJsonObject("member_left").getMap())
        .isEqualTo(Map.of("controller", 2, "display", 1));
    assertThat(details.getJsonObject("message_refused").getMap())
        .isEqualTo(Map.of("rate_limited", 1, "forbidden", 1));
    assertThat(details.getJsonObject("rate_limited").getMap())
        .isEqualTo(Map.of("controller", 1, "http", 1));
    assertThat(details.getJsonObject("rejoined").getMap())
        .isEqualTo(Map.of("recovered", 1, "not_recovered", 1));
  }

  /** Sessions created in the range, by how long they lasted; G was created before it. */
  @Test
  void sessionsFallIntoDurationBuckets() {
    JsonObject durations = report("from=" + D0 + "&to=" + D2).getJsonObject("sessionDurations");

    assertThat(durations.getMap())
        .containsExactlyEntriesOf(
            ordered("under5m", 1, "from5mTo30m", 1, "from30mTo2h", 1, "over2h", 1, "open", 1));
  }

  @Test
  void peakCountsMembersOfEverySessionAtOnce() {
    JsonObject peak = report("from=" + D0 + "&to=" + D2).getJsonObject("peakConcurrentMembers");

    assertThat(peak.getLong("count")).isEqualTo(5);
    assertThat(peak.getString("at")).isEqualTo(D1 + "T09:42:00Z");
  }

  /** Members present when the range starts count: G's three, whose session ends inside it. */
  @Test
  void peakIncludesMembersPresentWhenTheRangeStarts() {
    JsonObject peak =
        report("from=" + D0 + "T00:00:00Z&to=" + D0 + "T10:00:00Z")
            .getJsonObject("peakConcurrentMembers");
    assertThat(peak.getLong("count")).isEqualTo(3);
    assertThat(peak.getString("at")).isEqualTo(D0 + "T00:00:00Z");

    JsonObject quiet =
        report("from=" + D1 + "T09:41:30Z&to=" + D1 + "T09:41:50Z")
            .getJsonObject("peakConcurrentMembers");
    assertThat(quiet.getLong("count")).isEqualTo(4);
    assertThat(quiet.getString("at")).isEqualTo(D1 + "T09:41:30Z");

    // The first day's own peak: after A ended, B's four.
    JsonObject first = report("from=" + D0 + "&to=" + D0).getJsonObject("peakConcurrentMembers");
    assertThat(first.getLong("count")).isEqualTo(4);
    assertThat(first.getString("at")).isEqualTo(D0 + "T11:00:40Z");
  }

  @Test
  void withoutParametersTheLastSevenDaysAreReported() {
    JsonObject report = report("");

    assertThat(report.getString("to")).isEqualTo("2026-11-13T12:00:00Z");
    assertThat(report.getString("from")).isEqualTo("2026-11-06T12:00:00Z");
    assertThat(report.getJsonArray("byDay")).hasSize(8);
    assertThat(report.getJsonObject("counts").getLong("session_created")).isEqualTo(6);
    assertThat(report.getJsonObject("counts").getLong("message_sent")).isEqualTo(8);

    JsonObject sinceFrom = report("from=2026-11-12T00:00:00%2B01:00");
    assertThat(sinceFrom.getString("from")).isEqualTo("2026-11-11T23:00:00Z");
    assertThat(sinceFrom.getString("to")).isEqualTo("2026-11-13T12:00:00Z");
    assertThat(sinceFrom.getJsonObject("counts").getLong("session_created")).isEqualTo(1);
  }

  @Test
  void onlyTheAdminTokenIsLetIn() {
    HttpResponse<String> anonymous = get("", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(errorCode(anonymous)).isEqualTo("unauthorized");
    HttpResponse<String> wrong = get("", "not-the-admin-token");
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(errorCode(wrong)).isEqualTo("forbidden");
  }

  @Test
  void badRangesAreRefusedWithTheReason() {
    assertBadRequest("from=yesterday", "from must be an ISO-8601 instant");
    assertBadRequest("to=2026-13-01", "to must be an ISO-8601 instant");
    assertBadRequest("from=2026-11-10T10:00:00", "from must be");
    assertBadRequest("from=" + D2 + "&to=" + D0, "must not be before from");
    assertBadRequest("from=2025-11-10&to=2026-11-11", "longer than 366 days");
    assertThat(get("from=2025-11-10&to=2026-11-10", ADMIN).statusCode()).isEqualTo(200);
  }

  private void assertBadRequest(String query, String mentioned) {
    HttpResponse<String> r = get(query, ADMIN);
    assertThat(r.statusCode()).as(query).isEqualTo(400);
    assertThat(errorCode(r)).isEqualTo("bad_request");
    assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message"))
        .as(query)
        .contains(mentioned);
  }

  private JsonObject report(String query) {
    HttpResponse<String> r = get(query, ADMIN);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private HttpResponse<String> get(String query, String bearer) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/api/admin/analytics?" + query));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String errorCode(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonObject("error").getString("code");
  }

  /** Keys and values in this order, as the report lists them (small numbers decode as Integer). */
  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return out;
  }

  private static void event(
      PreparedStatement insert, String at, String type, String session, String data)
      throws Exception {
    insert.setString(1, type);
    insert.setString(2, session);
    insert.setTimestamp(3, Timestamp.from(Instant.parse(at)));
    insert.setString(4, data);
    insert.executeUpdate();
  }

  private static String display() {
    return "{\"role\": \"display\"}";
  }

  private static String controller() {
    return "{\"role\": \"controller\"}";
  }

  private static String left(String role) {
    return "{\"role\": \"" + role + "\", \"reason\": \"left\"}";
  }

  private static String ended(String reason, long durationMs) {
    return "{\"reason\": \"" + reason + "\", \"durationMs\": " + durationMs + "}";
  }
}
