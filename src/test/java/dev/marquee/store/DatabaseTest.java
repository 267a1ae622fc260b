package dev.marquee.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.config.Config;
import dev.marquee.config.DatabaseUrl;
import dev.marquee.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Where the system of record comes from: the embedded server under DATA_DIR, or DATABASE_URL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseTest {
  // The first start in a fresh checkout unpacks the PostgreSQL binaries (about 6 s).
  private static final Duration START = Duration.ofSeconds(60);

  private Vertx vertx;

  @BeforeAll
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  void stopVertx() throws Exception {
    await(vertx.close(), START);
  }

  @Test
  void withoutDatabaseUrlTheEmbeddedServerKeepsItsDataUnderDataDir(@TempDir Path dataDir)
      throws Exception {
    Config config = Config.fromEnv(Map.of("DATA_DIR", dataDir.toString()));

    Database first = await(Database.start(vertx, config), START);
    long pid;
    int port;
    try {
      assertThat(first.embedded()).isTrue();
      assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();
      await(first.ping(Duration.ofSeconds(5)), START);
      assertThat(tables(first)).contains("sessions", "messages", "server_state");
      await(new ServerState(first.pool()).set("probe", "kept"), START);
      pid = postmasterPid(dataDir);
      port = first.url().port();
    } finally {
      await(first.close(), START);
    }
    assertThat(exited(pid)).as("postmaster %d exited", pid).isTrue();
    assertThat(dataDir.resolve("postgres/postmaster.pid")).doesNotExist();
    assertThatThrownBy(() -> connect(port)).isInstanceOf(IOException.class);

    Database second = await(Database.start(vertx, config), START);
    try {
      assertThat(await(new ServerState(second.pool()).get("probe"), START)).contains("kept");
    } finally {
      await(second.close(), START);
    }
  }

  @Test
  void withDatabaseUrlTheMachineServerIsUsedAndNoDataDirIsCreated(@TempDir Path tmp)
      throws Exception {
    DatabaseUrl url = TestPostgres.freshDatabase();
    Path dataDir = tmp.resolve("data");
    Config config =
        Config.fromEnv(
            Map.of("DATABASE_URL", TestPostgres.uri(url), "DATA_DIR", dataDir.toString()));
    try {
      Database db = await(Database.start(vertx, config), START);
      try {
        assertThat(db.embedded()).isFalse();
        assertThat(db.url()).isEqualTo(url);
        await(db.ping(Duration.ofSeconds(5)), START);
        assertThat(tables(db)).contains("sessions", "messages", "server_state");
      } finally {
        await(db.close(), START);
      }
      try (Connection c = TestPostgres.connect(url);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM flyway_schema_history")) {
        rs.next();
        assertThat(rs.getInt(1)).isPositive();
      }
      assertThat(dataDir).doesNotExist();
    } finally {
      TestPostgres.drop(url);
    }
  }

  /**
   * A Marquee process killed outright (SIGKILL, OOM killer) leaves its embedded postmaster running
   * and holding the data directory. The orphan is made the same way: a child JVM starts the
   * embedded server and is killed.
   */
  @Test
  void aPostmasterLeftByAKilledProcessIsStoppedBeforeANewStart(@TempDir Path dataDir)
      throws Exception {
    Path pgDir = dataDir.resolve("postgres");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                OrphanMaker.class.getName(),
                pgDir.toString())
            .redirectErrorStream(true)
            .start();
    ProcessHandle orphan = null;
    try {
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null && !line.equals(OrphanMaker.READY)) {
          // The child's own log lines; only readiness matters.
        }
        assertThat(line).as("child JVM started the embedded server").isEqualTo(OrphanMaker.READY);
      }
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      long orphanPid = postmasterPid(dataDir);
      orphan = ProcessHandle.of(orphanPid).orElseThrow();
      assertThat(orphan.isAlive()).as("postmaster outlived its JVM").isTrue();

      Database db =
          await(
              Database.start(vertx, Config.fromEnv(Map.of("DATA_DIR", dataDir.toString()))), START);
      try {
        await(db.ping(Duration.ofSeconds(5)), START);
        assertThat(exited(orphanPid)).as("orphan %d exited", orphanPid).isTrue();
        assertThat(postmasterPid(dataDir)).isNotEqualTo(orphanPid);
      } finally {
        await(db.close(), START);
      }
    } finally {
      child.destroyForcibly();
      // The handle knows the start time, so a PID reused since is not touched.
      if (orphan != null) {
        orphan.destroyForcibly();
      }
    }
  }

  /**
   * After a reboot, a stale postmaster.pid can name a PID that now belongs to another process, even
   * another PostgreSQL on the machine. That one must not be signalled: the start fails at once and
   * says which file to look at, which is for an operator to settle.
   */
  @Test
  void aProcessThatIsNotThisDirectorysPostmasterIsLeftAlone(@TempDir Path tmp) throws Exception {
    Path dataDir = tmp.resolve("data");
    Config config = Config.fromEnv(Map.of("DATA_DIR", dataDir.toString()));
    await(await(Database.start(vertx, config), START).close(), START);
    // Any program whose path says "postgres": a copy of sleep.
    Path decoyBinary = Files.createDirectories(tmp.resolve("decoy")).resolve("postgres");
    Files.copy(Path.of("/bin/sleep"), decoyBinary);
    assertThat(decoyBinary.toFile().setExecutable(true)).isTrue();
    Process decoy = new ProcessBuilder(decoyBinary.toString(), "120").start();
    try {
      Files.writeString(dataDir.resolve("postgres/postmaster.pid"), decoy.pid() + "\n");

      Future<Database> start = Database.start(vertx, config);
      await(start.otherwiseEmpty(), START);
      if (start.succeeded()) {
        await(start.result().close(), START);
      }

      assertThat(decoy.isAlive()).as("the decoy was not signalled").isTrue();
      assertThat(start.failed()).as("start refused").isTrue();
      assertThat(start.cause()).hasMessageContaining("postmaster.pid names process " + decoy.pid());
    } finally {
      decoy.destroyForcibly();
    }
  }

  /** Run in a child JVM: starts the embedded server in {@code args[0]} and waits to be killed. */
  static final class OrphanMaker {
    static final String READY = "orphan-maker: ready";

    public static void main(String[] args) throws Exception {
      EmbeddedDatabase.start(Path.of(args[0]));
      System.out.println(READY);
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
  }

  private static List<String> tables(Database db) throws Exception {
    return await(
        db.pool()
            .query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
            .execute()
            .map(
                rows -> {
                  List<String> names = new ArrayList<>();
                  rows.forEach(r -> names.add(r.getString(0)));
                  return names;
                }),
        START);
  }

  /**
   * Whether the process is gone. An exited postmaster lingers as a zombie until whatever adopted it
   * reaps it, so this waits a little rather than asking once.
   */
  private static boolean exited(long pid) {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty()) {
      return true;
    }
    try {
      process.get().onExit().get(10, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static long postmasterPid(Path dataDir) throws IOException {
    return Long.parseLong(
        Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());
  }

  private static void connect(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
    }
  }

  private static <T> T await(Future<T> future, Duration timeout) throws Exception {
    return future
        .toCompletionStage()
        .toCompletableFuture()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
