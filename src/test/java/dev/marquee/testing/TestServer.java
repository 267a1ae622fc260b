package dev.marquee.testing;

import dev.marquee.Marquee;
import dev.marquee.config.Config;
import dev.marquee.config.DatabaseUrl;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A whole Marquee server in this JVM, on port 0, with a fresh database on the machine's PostgreSQL
 * (or the environment given), temp data and log directories, and an HTTP client.
 */
public final class TestServer implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Map<String, String> env;
  private final Clock clock;
  private final DatabaseUrl ownDatabase;
  private Marquee marquee;

  private TestServer(Map<String, String> env, Clock clock, DatabaseUrl ownDatabase) {
    this.env = env;
    this.clock = clock;
    this.ownDatabase = ownDatabase;
  }

  public static TestServer start() {
    return start(Map.of(), Clock.systemUTC());
  }

  public static TestServer start(Map<String, String> env) {
    return start(env, Clock.systemUTC());
  }

  /**
   * Starts with {@code env} over test defaults. Without DATABASE_URL (and without {@code
   * "EMBEDDED": "true"}) a fresh database on the machine's server is used and dropped on close.
   */
  public static TestServer start(Map<String, String> env, Clock clock) {
    Map<String, String> all = new HashMap<>();
    try {
      Path dir = Files.createTempDirectory("marquee-test");
      all.put("DATA_DIR", dir.resolve("data").toString());
      all.put("LOG_DIR", dir.resolve("logs").toString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    all.put("PORT", "0");
    all.put("HOST", "127.0.0.1");
    all.put("SHUTDOWN_TIMEOUT_MS", "5000");
    all.putAll(env);
    DatabaseUrl own = null;
    boolean embedded = "true".equals(all.remove("EMBEDDED"));
    if (!all.containsKey("DATABASE_URL") && !embedded) {
      own = TestPostgres.freshDatabase();
      all.put("DATABASE_URL", TestPostgres.uri(own));
    }
    TestServer server = new TestServer(all, clock, own);
    server.boot();
    return server;
  }

  private void boot() {
    try {
      marquee =
          Marquee.start(Config.fromEnv(env), clock)
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("server did not start", e);
    }
  }

  public Marquee marquee() {
    return marquee;
  }

  public int port() {
    return marquee.port();
  }

  public Map<String, String> env() {
    return env;
  }

  /** The database this server writes to. */
  public DatabaseUrl database() {
    return marquee.config().databaseUrl().orElseThrow();
  }

  /** Graceful stop, as on SIGTERM. */
  public void stop() {
    if (marquee == null) {
      return;
    }
    try {
      marquee.stop().toCompletionStage().toCompletableFuture().get(40, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("server did not stop", e);
    } finally {
      marquee = null;
    }
  }

  /** Stops gracefully and starts again on the same database and data directory. */
  public TestServer restart() {
    stop();
    boot();
    return this;
  }

  public WsClient ws() {
    return WsClient.connect(port());
  }

  /** Creates a session and returns the 201 body. */
  public JsonObject createSession() {
    HttpResponse<String> r = post("/api/session", "{\"title\":\"Test\"}");
    if (r.statusCode() != 201) {
      throw new AssertionError("create session: " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body());
  }

  public HttpResponse<String> get(String path) {
    return send(request(path).GET());
  }

  public HttpResponse<String> post(String path, String body) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** GET with {@code Authorization: Bearer <bearer>}. */
  public HttpResponse<String> get(String path, String bearer) {
    return send(request(path).header("Authorization", "Bearer " + bearer).GET());
  }

  /** POST of a JSON body with {@code Authorization: Bearer <bearer>}. */
  public HttpResponse<String> post(String path, String body, String bearer) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + bearer)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public HttpResponse<String> postWithToken(String path, String bearer) {
    return send(
        request(path)
            .header("Authorization", "Bearer " + bearer)
            .POST(HttpRequest.BodyPublishers.noBody()));
  }

  public HttpResponse<String> delete(String path, String bearer) {
    HttpRequest.Builder b = request(path).DELETE();
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return send(b);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
        .timeout(Duration.ofSeconds(10));
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    stop();
    if (ownDatabase != null) {
      TestPostgres.drop(ownDatabase);
    }
    if (env.containsKey("REDIS_URL")) {
      io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
      try {
        var store = TestRedis.store(vertx, env.get("REDIS_URL"), env.get("REDIS_KEY_PREFIX"));
        TestRedis.clean(store);
        store.close();
      } finally {
        vertx.close();
      }
    }
  }
}
