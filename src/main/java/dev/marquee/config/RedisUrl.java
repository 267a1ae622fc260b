package dev.marquee.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where Redis is: {@code redis://} (or {@code rediss://}) for one server, {@code
 * redis-sentinel://s1:26379,s2:26379/master} for Sentinel, {@code redis-cluster://n1:7000,n2:7001}
 * for Cluster. The password never appears in {@link #toString()}.
 */
public record RedisUrl(
    Mode mode,
    boolean tls,
    List<String> hosts,
    String user,
    String password,
    int database,
    String masterName) {

  public enum Mode {
    STANDALONE,
    SENTINEL,
    CLUSTER
  }

  public RedisUrl {
    hosts = List.copyOf(hosts);
  }

  /** Parses the URL; throws {@link IllegalArgumentException} with a readable reason. */
  public static RedisUrl parse(String raw) {
    int schemeEnd = raw.indexOf("://");
    if (schemeEnd < 0) {
      throw new IllegalArgumentException(
          "must start with redis://, rediss://, redis-sentinel:// or redis-cluster://");
    }
    String scheme = raw.substring(0, schemeEnd);
    Mode mode;
    boolean tls = false;
    switch (scheme) {
      case "redis" -> mode = Mode.STANDALONE;
      case "rediss" -> {
        mode = Mode.STANDALONE;
        tls = true;
      }
      case "redis-sentinel" -> mode = Mode.SENTINEL;
      case "redis-cluster" -> mode = Mode.CLUSTER;
      default ->
          throw new IllegalArgumentException(
              "must start with redis://, rediss://, redis-sentinel:// or redis-cluster://");
    }
    String rest = raw.substring(schemeEnd + 3);
    String user = null;
    String password = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String info = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = info.indexOf(':');
      String u = colon < 0 ? info : info.substring(0, colon);
      user = u.isEmpty() ? null : decode(u);
      password = colon < 0 ? null : decode(info.substring(colon + 1));
    }
    int slash = rest.indexOf('/');
    String hostPart = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    List<String> hosts = new ArrayList<>();
    for (String h : hostPart.split(",")) {
      String host = h.trim();
      if (host.isEmpty()) {
        continue;
      }
      try {
        URI check = new URI("redis://" + host);
        if (check.getHost() == null) {
          throw new IllegalArgumentException("'" + host + "' is not host:port");
        }
        hosts.add(
            check.getHost() + ":" + (check.getPort() < 0 ? defaultPort(mode) : check.getPort()));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("'" + host + "' is not host:port");
      }
    }
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("names no host");
    }
    if (mode == Mode.STANDALONE && hosts.size() > 1) {
      throw new IllegalArgumentException(
          "lists several hosts; use redis-sentinel:// or redis-cluster:// for those");
    }
    int database = 0;
    String master = null;
    if (mode == Mode.SENTINEL) {
      String[] parts = path.split("/");
      master = parts.length > 0 && !parts[0].isEmpty() ? parts[0] : null;
      if (master == null) {
        throw new IllegalArgumentException(
            "needs the master name: redis-sentinel://host:26379/<master-name>");
      }
      database = parts.length > 1 ? database(parts[1]) : 0;
    } else if (!path.isEmpty()) {
      if (mode == Mode.CLUSTER) {
        throw new IllegalArgumentException("a cluster has no database number");
      }
      database = database(path);
    }
    return new RedisUrl(mode, tls, hosts, user, password, database, master);
  }

  /** Connection strings for the Vert.x client: one per host, credentials passed separately. */
  public List<String> endpoints() {
    List<String> out = new ArrayList<>();
    for (String host : hosts) {
      out.add(
          (tls ? "rediss://" : "redis://")
              + host
              + (mode == Mode.STANDALONE ? "/" + database : ""));
    }
    return out;
  }

  public String redacted() {
    String scheme =
        switch (mode) {
          case STANDALONE -> tls ? "rediss" : "redis";
          case SENTINEL -> "redis-sentinel";
          case CLUSTER -> "redis-cluster";
        };
    String auth = password == null ? "" : (user == null ? "" : user) + ":***@";
    String tail =
        switch (mode) {
          case STANDALONE -> "/" + database;
          case SENTINEL -> "/" + masterName + (database == 0 ? "" : "/" + database);
          case CLUSTER -> "";
        };
    return scheme + "://" + auth + String.join(",", hosts) + tail;
  }

  @Override
  public String toString() {
    return redacted();
  }

  private static int defaultPort(Mode mode) {
    return mode == Mode.SENTINEL ? 26379 : 6379;
  }

  private static int database(String s) {
    try {
      int db = Integer.parseInt(s);
      if (db < 0 || db > 15) {
        throw new IllegalArgumentException("database must be 0-15, got " + s);
      }
      return db;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + s + "' is not a database number");
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
