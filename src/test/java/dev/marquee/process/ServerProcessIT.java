package dev.marquee.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.DatabaseUrl;
import dev.marquee.testing.Eventually;
import dev.marquee.testing.TestPostgres;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar as a user runs it ({@code java -jar target/marquee.jar}): it starts with no
 * other service, serves, and on SIGTERM tells clients to reconnect and exits within 30 s.
 */
class ServerProcessIT {
  static final Path JAR = Path.of("target/marquee.jar");
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void theJarRunsOnTheEmbeddedDatabaseAndStopsGracefullyOnSigterm() throws Exception {
    runAndStop(Map.of());
  }

  @Test
  void theJarRunsOnAnExternalDatabase() throws Exception {
    DatabaseUrl db = TestPostgres.freshDatabase();
    try {
      runAndStop(Map.of("DATABASE_URL", TestPostgres.uri(db)));
    } finally {
      TestPostgres.drop(db);
    }
  }

  @Test
  void aBadConfigurationStopsStartUpNamingEveryVariable() throws Exception {
    Process p =
        start(Map.of("PORT", "x", "LOG_LEVEL", "loud"), Files.createTempDirectory("marquee-it"));
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String err = new String(p.getErrorStream().readAllBytes());
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(err).contains("PORT:").contains("LOG_LEVEL:");
  }

  private static void runAndStop(Map<String, String> env) throws Exception {
    Path dir = Files.createTempDirectory("marquee-it");
    int port = freePort();
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("PORT", Integer.toString(port));
    all.put("LOG_LEVEL", "debug");
    String adminToken = "admin-" + java.util.UUID.randomUUID();
    all.put("ADMIN_TOKEN", adminToken);
    Process p = start(all, dir);
    try {
      awaitReady(port, Duration.ofSeconds(60));
      JsonObject session =
          new JsonObject(
              HTTP.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + port + "/api/session"))
                          .POST(HttpRequest.BodyPublishers.noBody())
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      String secret = "s3cret words <b>" + System.nanoTime();
      // A line break in a message must not start a forged log line.
      String forged = "x\r\n{\"level\":\"ERROR\",\"message\":\"forged " + System.nanoTime();
      String adminUrl = "http://127.0.0.1:" + port + "/api/admin/ratelimit";
      assertThat(
              HTTP.send(
                      HttpRequest.newBuilder(URI.create(adminUrl))
                          .header("Authorization", "Bearer " + adminToken)
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      try (WsClient display = WsClient.connect(port);
          WsClient controller = WsClient.connect(port)) {
        display.join(session.getString("code"), "display", "TV");
        controller.join(session.getString("code"), "controller", "Alice");
        controller.send(new JsonObject().put("type", "send").put("text", secret).put("ref", "1"));
        controller.next("ack");
        assertThat(display.next("message").getString("text")).isEqualTo(secret);
        controller.send(new JsonObject().put("type", "send").put("text", forged).put("ref", "2"));
        controller.next("ack");
        assertThat(display.next("message").getString("text")).isEqualTo(forged);
        long before = System.nanoTime();
        p.destroy(); // SIGTERM
        assertThat(display.next("reconnect").getString("reason")).isEqualTo("shutdown");
        assertThat(display.awaitClose()).isEqualTo(4000);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits within 30 s").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(30));
      }
      List<String> log = Files.readAllLines(dir.resolve("stdout.log"));
      assertThat(log).anySatisfy(l -> assertThat(l).contains("\"message\":\"marquee ready\""));
      assertThat(log).anySatisfy(l -> assertThat(l).contains("\"message\":\"marquee stopped\""));
      Path logFile;
      try (var files = Files.list(dir.resolve("logs"))) {
        logFile = files.collect(java.util.stream.Collectors.toList()).get(0);
      }
      assertThat(logFile.getFileName().toString()).matches("\\d{4}-\\d{2}-\\d{2}\\.log");
      String everything = String.join("\n", log) + Files.readString(logFile);
      for (String line : Files.readAllLines(logFile)) {
        assertThat(new JsonObject(line).getString("message")).as(line).isNotNull();
      }
      assertThat(everything)
          .contains("marquee ready")
          .doesNotContain(secret)
          .doesNotContain(session.getString("ownerToken"))
          .doesNotContain(adminToken)
          .doesNotContain("forged")
          .contains("\"ip\":\"127.0.0.x\"")
          .doesNotContainPattern("\"ip\":\"\\d+\\.\\d+\\.\\d+\\.\\d+\"");
    } finally {
      p.destroyForcibly();
    }
  }

  private static Process start(Map<String, String> env, Path dir) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toAbsolutePath().toString())
            .directory(dir.toFile())
            .redirectOutput(dir.resolve("stdout.log").toFile());
    pb.environment().put("HOST", "127.0.0.1");
    pb.environment().putAll(env);
    return pb.start();
  }

  private static void awaitReady(int port, Duration wait) {
    Eventually.until(wait, () -> readyStatus(port) == 200, "the server to be ready");
  }

  private static int readyStatus(int port) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    } catch (IOException e) {
      return -1; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
