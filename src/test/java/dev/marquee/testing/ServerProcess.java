package dev.marquee.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged jar running as its own process, as an operator runs it. */
public final class ServerProcess implements AutoCloseable {
  public static final Path JAR = Path.of("target/marquee.jar");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final int port;
  private final Path dir;

  private ServerProcess(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /** Starts {@code java -jar target/marquee.jar} on a free port with {@code env}; not yet ready. */
  public static ServerProcess launch(Map<String, String> env) throws IOException {
    Path dir = Files.createTempDirectory("marquee-process");
    int port = freePort();
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toAbsolutePath().toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile());
    pb.environment().put("HOST", "127.0.0.1");
    pb.environment().put("PORT", Integer.toString(port));
    pb.environment().putAll(env);
    return new ServerProcess(pb.start(), port, dir);
  }

  /** Starts and waits until {@code /health/ready} answers 200. */
  public static ServerProcess start(Map<String, String> env) throws IOException {
    ServerProcess p = launch(env);
    p.awaitReady(Duration.ofSeconds(60));
    return p;
  }

  public int port() {
    return port;
  }

  public Path dir() {
    return dir;
  }

  public Process process() {
    return process;
  }

  public void awaitReady(Duration wait) {
    Eventually.until(
        wait, () -> readyStatus() == 200, "the server on port " + port + " to be ready");
  }

  public int readyStatus() {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path, String body)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** SIGKILL: no shutdown hook, no goodbye to clients. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, the graceful stop. */
  public boolean terminate(Duration wait) throws InterruptedException {
    process.destroy();
    return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
