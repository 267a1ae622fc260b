package dev.marquee.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * {@code LOG_LEVEL=critical}: no Logback level sits above ERROR, so this drops every event without
 * the CRITICAL marker before it is even built. A side effect worth knowing: {@code
 * log.isErrorEnabled()} without a marker answers false in this mode.
 */
final class CriticalOnlyFilter extends TurboFilter {

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    return marker != null && marker.contains(Logs.CRITICAL)
        ? FilterReply.NEUTRAL
        : FilterReply.DENY;
  }
}
