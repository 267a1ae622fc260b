package dev.marquee.config;

import java.time.Duration;
import java.util.Optional;

/**
 * How long PostgreSQL keeps what it records; empty means forever. {@code history} counts from the
 * end of each session, {@code analytics} from each event.
 */
public record Retention(
    Optional<Duration> history, Optional<Duration> analytics, Duration sweepInterval) {

  /** A session's messages are kept this long after it ends (24 h). */
  public static final long DEFAULT_HISTORY_RETENTION = 86_400_000;

  /** Analytics events are kept this long after they happened (90 days). */
  public static final long DEFAULT_ANALYTICS_RETENTION = 90L * 86_400_000;

  public static final long DEFAULT_RETENTION_SWEEP_INTERVAL_MS = 60_000;

  /** What a retention variable says to keep everything, never removing anything. */
  public static final String FOREVER = "forever";

  /** True when nothing is ever removed, so no sweep needs to run. */
  public boolean keepsEverything() {
    return history.isEmpty() && analytics.isEmpty();
  }

  static Retention read(EnvReader r) {
    return new Retention(
        r.millisOrForever(
            "HISTORY_RETENTION", DEFAULT_HISTORY_RETENTION, EnvReader.MAX_MILLIS, FOREVER),
        r.millisOrForever(
            "ANALYTICS_RETENTION", DEFAULT_ANALYTICS_RETENTION, EnvReader.MAX_MILLIS, FOREVER),
        r.millis("RETENTION_SWEEP_INTERVAL_MS", DEFAULT_RETENTION_SWEEP_INTERVAL_MS));
  }
}
