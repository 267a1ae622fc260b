package dev.marquee.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import net.logstash.logback.composite.JsonWritingUtils;
import net.logstash.logback.composite.loggingevent.LogLevelJsonProvider;
import tools.jackson.core.JsonGenerator;

/** Writes {@code "level":"CRITICAL"} for critical events, where the stock provider says ERROR. */
final class CriticalAwareLevelJsonProvider extends LogLevelJsonProvider {

  @Override
  public void writeTo(JsonGenerator generator, ILoggingEvent event) {
    JsonWritingUtils.writeStringField(generator, getFieldName(), Logs.levelName(event));
  }
}
