package dev.marquee.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Counts the commands clients send about one key prefix, by {@code MONITOR} on a socket of its own.
 * Other clients of a shared Redis (other test runs) are filtered out by the prefix, which a count
 * of {@code INFO commandstats} could not do; commands a script runs are told apart by their {@code
 * lua} source.
 */
public final class RedisMonitor implements AutoCloseable {
  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream control;
  private final String prefix;

  private RedisMonitor(Socket socket, String prefix) throws IOException {
    this.socket = socket;
    this.prefix = prefix;
    this.in =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
    this.control = socket.getOutputStream();
    String ok = in.readLine();
    if (!"+OK".equals(ok)) {
      throw new IOException("MONITOR answered " + ok);
    }
  }

  /** Watches the commands naming keys under {@code prefix} on {@link TestRedis#URL}. */
  public static RedisMonitor watch(String prefix) throws IOException {
    URI uri = URI.create(TestRedis.URL);
    Socket socket = new Socket(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
    socket.setSoTimeout(5_000);
    return new RedisMonitor(socket, prefix);
  }

  /**
   * The names of the commands clients sent under the prefix until {@code marker} (a key under the
   * prefix that the test touched last: the monitor feed is in execution order, so everything before
   * it has been seen), in order and in lower case.
   */
  public List<String> clientCommandsUntil(String marker) throws IOException {
    List<String> out = new ArrayList<>();
    String quotedMarker = "\"" + marker + "\"";
    while (true) {
      String line = in.readLine();
      if (line == null) {
        throw new IOException("monitor closed before " + marker);
      }
      if (!line.contains("\"" + prefix + ":") || line.contains(" lua] ")) {
        continue;
      }
      if (line.contains(quotedMarker)) {
        return out;
      }
      int name = line.indexOf("] \"") + 3;
      out.add(line.substring(name, line.indexOf('"', name)).toLowerCase(Locale.ROOT));
    }
  }

  @Override
  public void close() throws IOException {
    control.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
    socket.close();
  }
}
