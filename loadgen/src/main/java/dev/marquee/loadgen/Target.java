package dev.marquee.loadgen;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * One server instance the generator may talk to: a base URL ({@code http://127.0.0.1:3001}). The
 * generator never connects anywhere else.
 */
record Target(URI base, String host, int port) {

  /** The WebSocket endpoint's path on every target. */
  static final String WS_PATH = "/ws";

  /**
   * Parses base URLs and refuses any whose host resolves to a non-loopback address, unless {@code
   * allowRemote}. Every problem is reported at once.
   */
  static List<Target> parse(List<String> urls, boolean allowRemote) {
    List<Target> targets = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (String raw : urls) {
      URI uri;
      try {
        uri = URI.create(raw.trim());
      } catch (IllegalArgumentException e) {
        problems.add("--url '" + raw + "' is not a URL");
        continue;
      }
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
        problems.add("--url '" + raw + "' must be http://host:port");
        continue;
      }
      if (uri.getPath() != null && !uri.getPath().isEmpty() && !"/".equals(uri.getPath())) {
        problems.add("--url '" + raw + "' must be a base URL without a path");
        continue;
      }
      String host = uri.getHost();
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      if (!allowRemote) {
        String refusal = loopbackRefusal(host);
        if (refusal != null) {
          problems.add("--url '" + raw + "' " + refusal + " (pass --allow-remote to override)");
          continue;
        }
      }
      int port = uri.getPort() < 0 ? 80 : uri.getPort();
      targets.add(new Target(URI.create("http://" + uri.getRawAuthority()), host, port));
    }
    if (targets.isEmpty() && problems.isEmpty()) {
      problems.add("give at least one --url");
    }
    if (!problems.isEmpty()) {
      throw new UsageException(problems);
    }
    return targets;
  }

  /** Null when every address of {@code host} is a loopback address, else why not. */
  static String loopbackRefusal(String host) {
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      return "does not resolve";
    }
    for (InetAddress a : addresses) {
      if (!a.isLoopbackAddress()) {
        return "resolves to " + a.getHostAddress() + ", which is not a loopback address";
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return base.toString();
  }
}
