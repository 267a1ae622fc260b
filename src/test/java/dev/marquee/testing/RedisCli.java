package dev.marquee.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** {@code redis-cli}, for tests that look at what a Redis holds from outside the server. */
final class RedisCli {
  private RedisCli() {}

  /** Runs one command against {@code host:port}: the reply's non-blank lines. */
  static List<String> run(String host, int port, String... args) {
    try {
      List<String> command =
          new ArrayList<>(List.of("redis-cli", "-h", host, "-p", Integer.toString(port)));
      command.addAll(List.of(args));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      List<String> lines =
          new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .filter(l -> !l.isBlank())
              .toList();
      p.waitFor();
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
