package dev.marquee.logging;

import static net.logstash.logback.argument.StructuredArguments.kv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.tuple;

import dev.marquee.config.Config;
import dev.marquee.config.Config.LogFormat;
import dev.marquee.config.Config.LogLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class LogSetupTest {

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final String HOSTILE = "line one\r\nline two \"quoted\" <script>alert(1)</script>";

  private final Logger log = LoggerFactory.getLogger("dev.marquee.probe.Probe");
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private PrintStream realStdout;

  @TempDir Path dir;

  @BeforeEach
  void captureStdout() {
    realStdout = System.out;
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreQuietLogging() {
    LogSetup.reset();
    System.setOut(realStdout);
  }

  @Test
  void eventsAreJsonLinesWithTheStandardFieldsAndKvFieldsAtTopLevel() throws IOException {
    LocalDate before = LocalDate.now(ZoneOffset.UTC);
    LogSetup.apply(new Config.Log(LogLevel.INFO, dir, LogFormat.JSON));
    log.info("session created", kv("code", "K7QF"), kv("displays", 2));
    LocalDate after = LocalDate.now(ZoneOffset.UTC);

    JsonNode line = fileLines().get(0);
    assertThat(Instant.parse(line.get("@timestamp").asString()))
        .isBefore(Instant.now().plusSeconds(1));
    assertThat(line.get("level").asString()).isEqualTo("INFO");
    assertThat(line.get("logger").asString()).isEqualTo("dev.marquee.probe.Probe");
    assertThat(line.get("thread").asString()).isEqualTo(Thread.currentThread().getName());
    assertThat(line.get("message").asString()).isEqualTo("session created");
    assertThat(line.get("code").asString()).isEqualTo("K7QF");
    assertThat(line.get("displays").asInt()).isEqualTo(2);
    assertThat(logFile().getFileName().toString()).isIn(before + ".log", after + ".log");
    assertThat(stdoutLines()).hasSize(1).allSatisfy(s -> assertThat(JSON.readTree(s)).isNotNull());
  }

  @Test
  void lineBreaksQuotesAndMarkupNeverSplitOrBreakALine() throws IOException {
    LogSetup.apply(new Config.Log(LogLevel.INFO, dir, LogFormat.JSON));
    log.warn(HOSTILE, kv("field", HOSTILE));
    log.error("store write failed", kv("batch", 7), new IllegalStateException("disk\nfull"));

    List<JsonNode> lines = fileLines();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).get("message").asString()).isEqualTo(HOSTILE);
    assertThat(lines.get(0).get("field").asString()).isEqualTo(HOSTILE);
    assertThat(lines.get(1).get("batch").asInt()).isEqualTo(7);
    assertThat(lines.get(1).get("stack_trace").asString())
        .contains("IllegalStateException: disk\nfull")
        .contains("LogSetupTest");
  }

  @Test
  void criticalEventsReadCriticalAndPlainErrorsReadError() throws IOException {
    LogSetup.apply(new Config.Log(LogLevel.INFO, dir, LogFormat.JSON));
    log.error("redis command failed", kv("attempt", 1));
    Logs.critical(log, "message store unreachable", kv("store", "postgres"));

    List<JsonNode> lines = fileLines();
    assertThat(lines)
        .extracting(l -> l.get("level").asString())
        .containsExactly("ERROR", "CRITICAL");
    assertThat(lines.get(1).get("store").asString()).isEqualTo("postgres");
    assertThat(lines.get(1).has("tags")).isFalse();
  }

  @Test
  void warnLevelDropsInfo() throws IOException {
    LogSetup.apply(new Config.Log(LogLevel.WARN, dir, LogFormat.JSON));
    log.info("session created");
    log.warn("session expired early");

    assertThat(fileLines())
        .extracting(l -> l.get("message").asString())
        .containsExactly("session expired early");
  }

  @Test
  void criticalLevelDropsErrorsButKeepsCriticalEvents() throws IOException {
    LogSetup.apply(new Config.Log(LogLevel.CRITICAL, dir, LogFormat.JSON));
    log.warn("slow query");
    log.error("redis command failed");
    Logs.critical(log, "message store unreachable");

    assertThat(fileLines())
        .extracting(l -> l.get("message").asString())
        .containsExactly("message store unreachable");
  }

  @Test
  void debugLevelKeepsChattyLibrariesAtInfoAndEmbeddedPostgresAtWarn() {
    LogSetup.apply(new Config.Log(LogLevel.DEBUG, dir, LogFormat.JSON));

    assertThat(log.isDebugEnabled()).isTrue();
    assertThat(LoggerFactory.getLogger("io.netty.buffer.PoolChunk").isDebugEnabled()).isFalse();
    assertThat(LoggerFactory.getLogger("io.vertx.core.impl.VertxImpl").isInfoEnabled()).isTrue();
    assertThat(LoggerFactory.getLogger("org.flywaydb.core.Flyway").isDebugEnabled()).isFalse();
    assertThat(LoggerFactory.getLogger("io.zonky.test.db.X").isInfoEnabled()).isFalse();
    assertThat(LoggerFactory.getLogger("io.zonky.test.db.X").isWarnEnabled()).isTrue();
  }

  @Test
  void prettyFormatIsReadableOnStdoutAndStillJsonInTheFile() throws IOException {
    LogSetup.apply(new Config.Log(LogLevel.INFO, dir, LogFormat.PRETTY));
    Logs.critical(log, HOSTILE, kv("code", "K7QF"));
    log.info("display joined {}", kv("code", "K7QF"), kv("displays", 2));

    List<String> lines = stdoutLines();
    assertThat(lines).hasSize(2).noneMatch(line -> line.startsWith("{"));
    assertThat(lines.get(0)).contains("CRITICAL", "Probe", "line one\\r\\nline two", "code=K7QF");
    assertThat(lines.get(1)).endsWith("display joined code=K7QF displays=2");
    assertThat(fileLines())
        .extracting(line -> line.get("level").asString(), line -> line.get("code").asString())
        .containsExactly(tuple("CRITICAL", "K7QF"), tuple("INFO", "K7QF"));
  }

  @Test
  void unusableDirectoryFallsBackToStdoutWithOneWarning() throws IOException {
    Path notADirectory = Files.createFile(dir.resolve("taken"));

    assertThatCode(
            () ->
                LogSetup.apply(
                    new Config.Log(LogLevel.INFO, notADirectory.resolve("logs"), LogFormat.JSON)))
        .doesNotThrowAnyException();
    log.info("session created");

    List<String> lines = stdoutLines();
    assertThat(lines).hasSize(2);
    JsonNode warning = JSON.readTree(lines.get(0));
    assertThat(warning.get("level").asString()).isEqualTo("WARN");
    assertThat(warning.get("message").asString()).contains("stdout only");
    assertThat(warning.get("dir").asString()).endsWith("logs");
    assertThat(JSON.readTree(lines.get(1)).get("message").asString()).isEqualTo("session created");
  }

  @Test
  void stopFlushesAndALaterApplyStartsAgain() throws IOException {
    LogSetup.apply(new Config.Log(LogLevel.INFO, dir, LogFormat.JSON));
    log.info("shutting down");
    LogSetup.stop();
    log.info("after stop");
    LogSetup.apply(new Config.Log(LogLevel.INFO, dir, LogFormat.JSON));
    log.info("started again");

    assertThat(fileLines())
        .extracting(l -> l.get("message").asString())
        .containsExactly("shutting down", "started again");
  }

  private List<String> stdoutLines() {
    String text = stdout.toString(StandardCharsets.UTF_8);
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  private Path logFile() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> logs = files.filter(f -> f.toString().endsWith(".log")).toList();
      assertThat(logs).hasSize(1);
      return logs.get(0);
    }
  }

  /** Every line of the day's file, each parsed as exactly one JSON object. */
  private List<JsonNode> fileLines() throws IOException {
    List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
    assertThat(lines).isNotEmpty();
    return lines.stream().map(JSON::readTree).peek(n -> assertThat(n.isObject()).isTrue()).toList();
  }
}
