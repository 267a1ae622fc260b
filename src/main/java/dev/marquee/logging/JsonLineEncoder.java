package dev.marquee.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import net.logstash.logback.composite.JsonProviders;
import net.logstash.logback.composite.loggingevent.ArgumentsJsonProvider;
import net.logstash.logback.composite.loggingevent.KeyValuePairsJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggerNameJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventFormattedTimestampJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventThreadNameJsonProvider;
import net.logstash.logback.composite.loggingevent.LogstashMarkersJsonProvider;
import net.logstash.logback.composite.loggingevent.MessageJsonProvider;
import net.logstash.logback.composite.loggingevent.StackTraceJsonProvider;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;

/**
 * Marquee's one JSON line per event, shared by {@link LogSetup} and {@code logback.xml} so logs
 * look the same before and after start-up configures them.
 *
 * <p>Built from explicit providers rather than {@code LogstashEncoder} because that encoder's level
 * provider cannot be swapped for one that knows CRITICAL, and because its extras (a version field,
 * {@code level_value}, {@code tags}) would only add noise. Time is UTC, like the file names.
 * Structured arguments ({@code kv(...)}), SLF4J 2 key-value pairs and logstash markers become
 * top-level fields; MDC is left out because Vert.x code hops threads and would carry stale values.
 * Jackson escapes CR, LF and every other control character, so an event can never span two lines.
 */
public final class JsonLineEncoder extends LoggingEventCompositeJsonEncoder {

  public JsonLineEncoder() {
    setLineSeparator("UNIX");
    JsonProviders<ILoggingEvent> providers = getProviders();

    LoggingEventFormattedTimestampJsonProvider timestamp =
        new LoggingEventFormattedTimestampJsonProvider();
    timestamp.setTimeZone("UTC");
    providers.addProvider(timestamp);

    providers.addProvider(new CriticalAwareLevelJsonProvider());

    LoggerNameJsonProvider logger = new LoggerNameJsonProvider();
    logger.setFieldName("logger");
    providers.addProvider(logger);

    LoggingEventThreadNameJsonProvider thread = new LoggingEventThreadNameJsonProvider();
    thread.setFieldName("thread");
    providers.addProvider(thread);

    providers.addProvider(new MessageJsonProvider());
    providers.addProvider(new ArgumentsJsonProvider());
    providers.addProvider(new KeyValuePairsJsonProvider());
    providers.addProvider(new LogstashMarkersJsonProvider());
    providers.addProvider(new StackTraceJsonProvider());
  }
}
