package dev.marquee.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** How times appear on the wire: ISO-8601 UTC with millisecond precision. */
public final class Times {
  private Times() {}

  public static String iso(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
