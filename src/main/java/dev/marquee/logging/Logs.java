package dev.marquee.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * The fifth level SLF4J does not have. A critical event is an ERROR carrying the {@link #CRITICAL}
 * marker, so libraries, appenders and alerting that only know SLF4J still treat it as an error;
 * Marquee's encoders print it as {@code CRITICAL} and {@code LOG_LEVEL=critical} keeps only these.
 */
public final class Logs {

  /** Marks an ERROR event as CRITICAL: the process or its data is in danger, act now. */
  public static final Marker CRITICAL = MarkerFactory.getMarker("CRITICAL");

  private Logs() {}

  /**
   * Logs {@code message} at ERROR with the {@link #CRITICAL} marker. Arguments work as in SLF4J:
   * {@code kv(...)} become JSON fields, and a trailing {@link Throwable} becomes the stack trace.
   */
  public static void critical(Logger log, String message, Object... args) {
    log.error(CRITICAL, message, args);
  }

  static boolean isCritical(ILoggingEvent event) {
    List<Marker> markers = event.getMarkerList();
    if (markers == null) {
      return false;
    }
    for (Marker marker : markers) {
      if (marker.contains(CRITICAL)) {
        return true;
      }
    }
    return false;
  }

  /** The level as Marquee names it: ERROR events marked critical read {@code CRITICAL}. */
  static String levelName(ILoggingEvent event) {
    return isCritical(event) ? CRITICAL.getName() : event.getLevel().toString();
  }
}
