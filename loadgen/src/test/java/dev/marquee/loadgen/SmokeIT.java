package dev.marquee.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The CI smoke run: {@code bench/load.sh --start-server} as documented, against the packaged server
 * and the machine's PostgreSQL (and Redis), every scenario for a second or two. Asserts correctness
 * and that each scenario produced a parseable JSON line with work done; never timing.
 */
class SmokeIT {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final boolean CI = "true".equals(System.getenv("CI"));

  @Test
  void everyScenarioRunsCleanAgainstOneServer() throws Exception {
    requireServices(false);
    List<JsonObject> runs = load("--start-server", "smoke", "--json-only");
    assertThat(runs)
        .extracting(r -> r.getString("scenario"))
        .containsExactly("fanout", "saturate", "connections", "churn", "history");
    for (JsonObject r : runs) {
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      assertThat(r.getJsonObject("server").getBoolean("measured")).as(r.encode()).isTrue();
    }
    JsonObject fanout = runs.get(0);
    assertThat(fanout.getLong("delivered")).isPositive();
    assertClean(fanout);
    JsonObject saturate = runs.get(1);
    assertThat(saturate.getJsonArray("steps")).isNotEmpty();
    assertThat(saturate.getJsonObject("checks").getLong("duplicates")).isZero();
    assertThat(saturate.getJsonObject("checks").getLong("outOfOrder")).isZero();
    JsonObject connections = runs.get(2);
    assertThat(connections.getLong("joined")).isEqualTo(300);
    assertThat(connections.getLong("finalCheckDelivered")).isEqualTo(300);
    JsonObject churn = runs.get(3);
    assertThat(churn.getLong("cycles")).isPositive();
    assertClean(churn);
    JsonObject history = runs.get(4);
    assertThat(history.getLong("requests")).isPositive();
    assertThat(history.getLong("requestFailures")).isZero();
    assertClean(history);
  }

  @Test
  void twoInstancesOnRedisDeliverEveryMessageAcrossThem() throws Exception {
    requireServices(true);
    List<JsonObject> runs =
        load(
            "--start-server",
            "--redis",
            "--instances",
            "2",
            "fanout",
            "--sessions",
            "2",
            "--displays",
            "4",
            "--rate",
            "20",
            "--seconds",
            "2",
            "--warmup",
            "0",
            "--json-only");
    assertThat(runs).hasSize(1);
    JsonObject r = runs.get(0);
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    assertThat(r.getInteger("instances")).isEqualTo(2);
    assertThat(r.getJsonObject("server").getJsonArray("pids")).hasSize(2);
    assertThat(r.getLong("delivered")).isPositive();
    assertClean(r);
  }

  @Test
  void repeatedRunsMeasureTheSameServerAgainWithItsLiveHeap() throws Exception {
    requireServices(false);
    List<JsonObject> runs =
        load(
            "--start-server",
            "--runs",
            "2",
            "connections",
            "--connections",
            "200",
            "--per-session",
            "20",
            "--seconds",
            "1",
            "--warmup-joins",
            "0",
            "--live-heap",
            "--json-only");
    assertThat(runs).hasSize(2);
    for (JsonObject r : runs) {
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      assertThat(r.getLong("finalCheckDelivered")).isEqualTo(200);
      // Two hundred held sockets and their sessions add to the heap that a full GC leaves.
      assertThat(r.getJsonObject("server").getDouble("liveHeapKiBPerConnection"))
          .as(r.encode())
          .isPositive();
    }
    assertThat(runs.get(1).getJsonObject("server").getJsonArray("pids"))
        .as("the second run measures the server the first one warmed")
        .isEqualTo(runs.get(0).getJsonObject("server").getJsonArray("pids"));
  }

  private static void assertClean(JsonObject r) {
    JsonObject c = r.getJsonObject("checks");
    assertThat(c.getLong("sent")).as(r.encode()).isPositive();
    assertThat(c.getLong("acked")).as(r.encode()).isEqualTo(c.getLong("sent"));
    for (String k : List.of("unanswered", "lost", "duplicates", "outOfOrder", "stale")) {
      assertThat(c.getLong(k)).as(k + " in " + r.encode()).isZero();
    }
  }

  /** Runs bench/load.sh; answers the JSON lines it printed, failing on a non-zero exit. */
  private static List<JsonObject> load(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", REPO.resolve("bench/load.sh").toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("loadgen-smoke", ".out");
    Path err = Files.createTempFile("loadgen-smoke", ".err");
    Process p =
        new ProcessBuilder(cmd)
            .directory(REPO.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(240, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      p.waitFor(20, TimeUnit.SECONDS);
      fail(
          "bench/load.sh did not finish in 240 s; stderr:\n"
              + Files.readString(err)
              + "\nstdout:\n"
              + Files.readString(out));
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("exit code; stderr:\n" + stderr + "\nstdout:\n" + stdout).isZero();
    List<JsonObject> lines = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      if (!line.isBlank()) {
        lines.add(new JsonObject(line));
      }
    }
    return lines;
  }

  /** The packaged server, PostgreSQL and (if asked) Redis; CI must have them, elsewhere skip. */
  private static void requireServices(boolean redis) {
    List<String> missing = new ArrayList<>();
    if (!Files.isRegularFile(REPO.resolve("target/marquee.jar"))) {
      missing.add("target/marquee.jar (run mvn package in the repository root first)");
    }
    if (!listening(5432)) {
      missing.add("PostgreSQL on 127.0.0.1:5432");
    }
    if (redis && !listening(6379)) {
      missing.add("Redis on 127.0.0.1:6379");
    }
    if (CI && !missing.isEmpty()) {
      fail("the smoke run needs " + missing);
    }
    assumeTrue(missing.isEmpty(), "skipped, missing " + missing);
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
