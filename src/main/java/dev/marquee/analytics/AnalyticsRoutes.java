package dev.marquee.analytics;

import dev.marquee.api.AdminAuth;
import dev.marquee.api.ApiException;
import dev.marquee.api.Responses;
import dev.marquee.api.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/** {@code GET /api/admin/analytics?from=&to=}: the operators' report (docs/analytics.md). */
public final class AnalyticsRoutes {
  /** The range when neither end is given: the last seven days. */
  public static final Duration DEFAULT_RANGE = Duration.ofDays(7);

  /** The longest range one report may cover. */
  public static final Duration MAX_RANGE = Duration.ofDays(366);

  private final AnalyticsReport report;
  private final Optional<String> adminToken;
  private final Clock clock;

  public AnalyticsRoutes(AnalyticsReport report, Optional<String> adminToken, Clock clock) {
    this.report = report;
    this.adminToken = adminToken;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.get("/api/admin/analytics").handler(this::showReport);
  }

  private void showReport(RoutingContext ctx) {
    AdminAuth.require(ctx, adminToken, "analytics_report");
    Optional<Instant> from = bound(ctx, "from", false);
    Optional<Instant> to = bound(ctx, "to", true);
    Instant end = to.orElseGet(() -> clock.instant().truncatedTo(ChronoUnit.MILLIS));
    Instant start = from.orElse(end.minus(DEFAULT_RANGE));
    if (end.isBefore(start)) {
      throw ApiException.badRequest(
          "to (" + Times.iso(end) + ") must not be before from (" + Times.iso(start) + ")");
    }
    if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
      throw ApiException.badRequest(
          "the range from "
              + Times.iso(start)
              + " to "
              + Times.iso(end)
              + " is longer than 366 days");
    }
    report
        .report(start, end)
        .onSuccess(r -> Responses.json(ctx, 200, json(r)))
        .onFailure(ctx::fail);
  }

  /**
   * An instant with its offset ({@code 2026-11-25T12:00:00Z}, {@code ...+01:00}), or a UTC date
   * ({@code 2026-11-25}): as {@code from} its first moment, as {@code to} its end (the next day's
   * first moment), so that a date range includes both days.
   */
  static Optional<Instant> bound(RoutingContext ctx, String name, boolean end) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    String value = raw.strip();
    try {
      if (value.length() == 10) {
        LocalDate day = LocalDate.parse(value);
        return Optional.of(day.plusDays(end ? 1 : 0).atStartOfDay().toInstant(ZoneOffset.UTC));
      }
      return Optional.of(OffsetDateTime.parse(value).toInstant());
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          name
              + " must be an ISO-8601 instant (2026-11-25T12:00:00Z) or date (2026-11-25), got '"
              + (value.length() > 40 ? value.substring(0, 40) + "..." : value)
              + "'");
    }
  }

  private static JsonObject json(AnalyticsReport.Report r) {
    JsonArray days = new JsonArray();
    r.byDay()
        .forEach(
            (day, counts) ->
                days.add(
                    new JsonObject().put("day", day.toString()).put("counts", object(counts))));
    JsonObject details = new JsonObject();
    r.details().forEach((type, byDetail) -> details.put(type, object(byDetail)));
    return new JsonObject()
        .put("from", Times.iso(r.from()))
        .put("to", Times.iso(r.to()))
        .put("counts", object(r.counts()))
        .put("byDay", days)
        .put("details", details)
        .put("sessionDurations", object(r.durations()))
        .put(
            "peakConcurrentMembers",
            new JsonObject().put("count", r.peak().count()).put("at", Times.iso(r.peak().at())));
  }

  private static JsonObject object(Map<String, Long> counts) {
    JsonObject out = new JsonObject();
    counts.forEach(out::put);
    return out;
  }
}
