package dev.marquee.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A libpq-style connection URI, {@code postgresql://user:password@host:5432/db?sslmode=require}, as
 * most PostgreSQL hosts hand out. The password never appears in {@link #toString()}.
 */
public record DatabaseUrl(
    String host,
    int port,
    String database,
    String user,
    String password,
    Map<String, String> params) {

  public static final int DEFAULT_PORT = 5432;

  public DatabaseUrl {
    params = Map.copyOf(params);
  }

  /** Parses the URI; throws {@link IllegalArgumentException} with a readable reason. */
  public static DatabaseUrl parse(String raw) {
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("is not a valid URI (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme();
    if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
      throw new IllegalArgumentException(
          "must start with postgresql:// (for example postgresql://user:password@host:5432/db)");
    }
    String host = uri.getHost();
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("has no host");
    }
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = decode(path.startsWith("/") ? path.substring(1) : path);
    String user = "postgres";
    String password = "";
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    }
    if (database.isBlank()) {
      database = user;
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        params.put(
            decode(eq < 0 ? pair : pair.substring(0, eq)),
            eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return new DatabaseUrl(host, port, database, user, password, params);
  }

  /** The JDBC form, for Flyway; credentials are passed separately. */
  public String jdbcUrl() {
    StringBuilder url =
        new StringBuilder("jdbc:postgresql://")
            .append(host.contains(":") ? "[" + host + "]" : host)
            .append(':')
            .append(port)
            .append('/')
            .append(database);
    String sslmode = params.get("sslmode");
    if (sslmode != null) {
      url.append("?sslmode=").append(sslmode);
    }
    return url.toString();
  }

  /** The URI with the password replaced, safe to log. */
  public String redacted() {
    return "postgresql://"
        + user
        + (password.isEmpty() ? "" : ":***")
        + "@"
        + host
        + ":"
        + port
        + "/"
        + database;
  }

  @Override
  public String toString() {
    return redacted();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
