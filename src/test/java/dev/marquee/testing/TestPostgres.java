package dev.marquee.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.marquee.config.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * The machine's PostgreSQL (127.0.0.1:5432, trust auth), with a fresh database per caller so tests
 * never see each other's rows. Unreachable: fails when {@code CI=true}, skips elsewhere.
 */
public final class TestPostgres {
  public static final String HOST = env("TEST_PG_HOST", "127.0.0.1");
  public static final int PORT = Integer.parseInt(env("TEST_PG_PORT", "5432"));
  public static final String USER = env("TEST_PG_USER", "postgres");

  private TestPostgres() {}

  /** Creates an empty database and returns its URL. */
  public static DatabaseUrl freshDatabase() {
    String name = "marquee_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
      if (ci) {
        throw new IllegalStateException("PostgreSQL at " + HOST + ":" + PORT + " is required", e);
      }
      assumeTrue(false, "PostgreSQL at " + HOST + ":" + PORT + " not reachable: " + e.getMessage());
    }
    return new DatabaseUrl(HOST, PORT, name, USER, "", Map.of());
  }

  /** Drops a database made by {@link #freshDatabase()}, disconnecting whoever is still on it. */
  public static void drop(DatabaseUrl url) {
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + url.database() + " WITH (FORCE)");
    } catch (SQLException e) {
      // Leftovers are harmless: every name is unique.
    }
  }

  /** The URI form for {@code DATABASE_URL}. */
  public static String uri(DatabaseUrl url) {
    return "postgresql://"
        + url.user()
        + "@"
        + url.host()
        + ":"
        + url.port()
        + "/"
        + url.database();
  }

  public static Connection connect(DatabaseUrl url) throws SQLException {
    return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
  }

  private static Connection admin() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://" + HOST + ":" + PORT + "/postgres", USER, "");
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
