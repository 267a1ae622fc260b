package dev.marquee.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.marquee.config.RedisUrl;
import dev.marquee.store.RedisStore;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The machine's Redis (127.0.0.1:6379 unless {@code TEST_REDIS_URL} says otherwise), isolated per
 * caller by a unique key prefix; never flushed. Unreachable: fails when {@code CI=true}, skips
 * elsewhere.
 */
public final class TestRedis {
  public static final String URL = env("TEST_REDIS_URL", "redis://127.0.0.1:6379");

  private TestRedis() {}

  public static String uniquePrefix() {
    return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** Environment for a server on the Redis engine, on a fresh prefix (cleaned by TestServer). */
  public static Map<String, String> engineEnv() {
    return Map.of("REDIS_URL", URL, "REDIS_KEY_PREFIX", uniquePrefix());
  }

  /** A store on a fresh prefix; the server must be reachable. */
  public static RedisStore store(Vertx vertx) {
    return store(vertx, uniquePrefix());
  }

  public static RedisStore store(Vertx vertx, String prefix) {
    RedisStore store = RedisStore.create(vertx, RedisUrl.parse(URL), prefix);
    try {
      store
          .ping(java.time.Duration.ofSeconds(2))
          .toCompletionStage()
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("Redis at " + URL + " is required", e);
      }
      assumeTrue(false, "Redis at " + URL + " not reachable: " + e.getMessage());
    }
    return store;
  }

  /** Deletes every key of the store's prefix (SCAN + UNLINK; other prefixes are untouched). */
  public static void clean(RedisStore store) {
    try {
      String cursor = "0";
      do {
        Response page =
            store
                .send(Command.SCAN, cursor, "MATCH", store.keys().all(), "COUNT", "1000")
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        cursor = page.get(0).toString();
        Response keys = page.get(1);
        if (keys.size() > 0) {
          Object[] names = new Object[keys.size()];
          for (int i = 0; i < keys.size(); i++) {
            names[i] = keys.get(i).toString();
          }
          store
              .send(Command.UNLINK, names)
              .toCompletionStage()
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS);
        }
      } while (!"0".equals(cursor));
    } catch (Exception e) {
      throw new IllegalStateException("could not clean prefix " + store.keys().prefix(), e);
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
