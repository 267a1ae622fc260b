package dev.marquee.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import net.logstash.logback.argument.StructuredArgument;
import org.slf4j.event.KeyValuePair;

/**
 * {@code LOG_FORMAT=pretty}: one coloured line per event for a developer's terminal, e.g. {@code
 * 14:03:07.412 INFO SessionRoutes session created code=K7QF}. Local time, because a person reads
 * it; the files keep UTC JSON. Control characters in the message and fields are shown escaped so
 * that even here a log line cannot be forged; only a stack trace spans further lines.
 */
final class PrettyLayout extends LayoutBase<ILoggingEvent> {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
  private static final String RESET = "\u001b[0m";
  private static final String DIM = "\u001b[2m";

  private final ThrowableProxyConverter throwables = new ThrowableProxyConverter();

  @Override
  public void start() {
    throwables.setContext(getContext());
    throwables.start();
    super.start();
  }

  @Override
  public void stop() {
    throwables.stop();
    super.stop();
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(128);
    line.append(DIM).append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(RESET);
    String level = Logs.levelName(event);
    line.append(' ').append(colour(event, level)).append(level).append(RESET);
    line.append(" ".repeat(Math.max(1, 9 - level.length())));
    line.append(DIM).append(shortName(event.getLoggerName())).append(RESET).append("  ");
    escape(event.getFormattedMessage(), line);
    Object[] args = event.getArgumentArray();
    if (args != null) {
      // Arguments already spliced into the message by a {} would only repeat themselves.
      for (int i = placeholders(event.getMessage()); i < args.length; i++) {
        if (args[i] instanceof StructuredArgument) {
          line.append(' ');
          escape(String.valueOf(args[i]), line);
        }
      }
    }
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        line.append(' ');
        escape(pair.key + "=" + pair.value, line);
      }
    }
    line.append(CoreConstants.LINE_SEPARATOR);
    if (event.getThrowableProxy() != null) {
      line.append(throwables.convert(event));
    }
    return line.toString();
  }

  private static String colour(ILoggingEvent event, String level) {
    if (level.equals(Logs.CRITICAL.getName())) {
      return "\u001b[1;97;41m"; // bold white on red: must stand out from ERROR
    }
    switch (event.getLevel().toInt()) {
      case Level.ERROR_INT:
        return "\u001b[31m";
      case Level.WARN_INT:
        return "\u001b[33m";
      case Level.INFO_INT:
        return "\u001b[32m";
      default:
        return "\u001b[36m";
    }
  }

  /** Counts SLF4J {} anchors; a miscount only repeats or hides a field here, the file has all. */
  private static int placeholders(String pattern) {
    int count = 0;
    if (pattern != null) {
      for (int i = pattern.indexOf("{}"); i >= 0; i = pattern.indexOf("{}", i + 2)) {
        if (i == 0 || pattern.charAt(i - 1) != '\\') {
          count++;
        }
      }
    }
    return count;
  }

  private static String shortName(String loggerName) {
    return loggerName.substring(loggerName.lastIndexOf('.') + 1);
  }

  private static void escape(String text, StringBuilder out) {
    if (text == null) {
      out.append("null");
      return;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
  }
}
