package dev.marquee.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A redis-server of the test's own on a free loopback port, so a test can kill, restart or freeze a
 * real server without touching the machine's. Not persistent. Binary missing: fails when {@code
 * CI=true}, skips elsewhere. Always {@link #close()} it (in a finally).
 */
public final class ChildRedis implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/redis-server");

  private final int port;
  private final Path dir;
  private final List<String> extra;
  private Process process;

  private ChildRedis(int port, Path dir, List<String> extra) {
    this.port = port;
    this.dir = dir;
    this.extra = extra;
  }

  /** Starts a server with {@code extra} arguments after the defaults, and waits for its PING. */
  public static ChildRedis start(String... extra) {
    if (!Files.isExecutable(BINARY)) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(BINARY + " is required");
      }
      assumeTrue(false, BINARY + " not installed");
    }
    try {
      ChildRedis redis =
          new ChildRedis(freePort(), Files.createTempDirectory("child-redis"), List.of(extra));
      redis.restart();
      return redis;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server (again, after {@link #kill()}) on the same port; waits for its PING. */
  public void restart() {
    List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--port", "" + port));
    command.addAll(List.of("--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
    command.addAll(List.of("--daemonize", "no", "--dir", dir.toString()));
    command.addAll(extra);
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("out.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("could not start " + BINARY, e);
    }
    Eventually.until(
        java.time.Duration.ofSeconds(10),
        () -> "+PONG".equals(command("PING")),
        "redis-server on port " + port);
  }

  /** SIGKILL, as a crash: clients see their connections reset. */
  public void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** SIGSTOP: connections stay open and nothing answers, as on a silent network cut. */
  public void freeze() {
    signal("STOP");
  }

  public void thaw() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      new ProcessBuilder("kill", "-" + name, "" + process.pid())
          .start()
          .waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Sends one inline command and returns the first reply line ({@code +PONG}, {@code :1}...), or
   * null when the server does not answer within a second.
   */
  public String command(String... args) {
    List<String> lines = lines(1, args);
    return lines.isEmpty() ? null : lines.get(0);
  }

  /** {@code redis-cli} against this server: the reply's non-blank lines. */
  public List<String> cli(String... args) {
    return RedisCli.run("127.0.0.1", port, args);
  }

  /** Subscribers of the channel on this server ({@code PUBSUB NUMSUB}). */
  public long subscribers(String channel) {
    List<String> reply = lines(4, "PUBSUB", "NUMSUB", channel);
    if (reply.size() < 4) {
      throw new AssertionError("PUBSUB NUMSUB on port " + port + " answered " + reply);
    }
    return Long.parseLong(reply.get(3).substring(1));
  }

  private List<String> lines(int count, String... args) {
    List<String> lines = new ArrayList<>();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(1_000);
      OutputStream out = s.getOutputStream();
      out.write((String.join(" ", args) + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while (lines.size() < count && (c = in.read()) >= 0) {
        if (c == '\n') {
          lines.add(line.toString());
          line.setLength(0);
        } else if (c != '\r') {
          line.append((char) c);
        }
      }
    } catch (IOException e) {
      // Not answering is an answer: the caller sees fewer lines.
    }
    return lines;
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      thaw();
    }
    kill();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // A temp directory left behind is harmless.
    }
  }
}
