package dev.marquee.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.marquee.config.RedisUrl;
import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
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

  /** {@code redis-cli} against this Redis: the reply's non-blank lines. */
  public static List<String> cli(String... args) {
    java.net.URI url = java.net.URI.create(URL);
    return RedisCli.run(url.getHost(), url.getPort(), args);
  }

  public static String uniquePrefix() {
    return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** Environment for a server on the Redis engine, on a fresh prefix (cleaned by TestServer). */
  public static Map<String, String> engineEnv() {
    return engineEnv(URL);
  }

  /** The same on the Redis at {@code url} (a {@link ChildCluster}'s, say). */
  public static Map<String, String> engineEnv(String url) {
    return Map.of("REDIS_URL", url, "REDIS_KEY_PREFIX", uniquePrefix());
  }

  /** A store on a fresh prefix; the server must be reachable. */
  public static RedisStore store(Vertx vertx) {
    return store(vertx, uniquePrefix());
  }

  public static RedisStore store(Vertx vertx, String prefix) {
    return store(vertx, URL, prefix);
  }

  /**
   * Sets the engine markers, as a running engine leaves them, so a session missing from the store
   * is gone rather than waiting for a rebuild (docs/redis.md, "When Redis forgets").
   */
  public static RedisStore markEngineIntact(RedisStore store) {
    for (String marker : new dev.marquee.store.EngineMarkers(store).keys()) {
      Await.await(store.send(io.vertx.redis.client.Command.SET, marker, "test"));
    }
    return store;
  }

  /** A store on the Redis at {@code url}, which must answer. */
  public static RedisStore store(Vertx vertx, String url, String prefix) {
    RedisStore store = RedisStore.create(vertx, RedisUrl.parse(url), prefix);
    try {
      sync(store.ping(java.time.Duration.ofSeconds(2)));
    } catch (Exception e) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("Redis at " + url + " is required", e);
      }
      assumeTrue(false, "Redis at " + url + " not reachable: " + e.getMessage());
    }
    return store;
  }

  /**
   * Deletes every key of the store's prefix (SCAN + UNLINK; other prefixes are untouched). On a
   * cluster SCAN sees one node, so every master is scanned, and keys are unlinked one by one: a
   * multi-key command must stay within one slot.
   */
  public static void clean(RedisStore store) {
    try {
      if (store.url().mode() != RedisUrl.Mode.CLUSTER) {
        scanAndUnlink(store, store, true);
        return;
      }
      for (String master : masters(store)) {
        RedisUrl url = store.url();
        RedisUrl node =
            new RedisUrl(
                RedisUrl.Mode.STANDALONE,
                url.tls(),
                List.of(master),
                url.user(),
                url.password(),
                0,
                null);
        RedisStore direct = RedisStore.create(store.vertx(), node, store.keys().prefix());
        try {
          scanAndUnlink(direct, store, false);
        } finally {
          sync(direct.close());
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not clean prefix " + store.keys().prefix(), e);
    }
  }

  /** SCANs {@code scanned}, UNLINKs through {@code unlinking} (all of a page at once or each). */
  private static void scanAndUnlink(RedisStore scanned, RedisStore unlinking, boolean together)
      throws Exception {
    String cursor = "0";
    do {
      Response page =
          sync(scanned.send(Command.SCAN, cursor, "MATCH", scanned.keys().all(), "COUNT", "1000"));
      cursor = page.get(0).toString();
      List<String> names = new ArrayList<>();
      page.get(1).forEach(k -> names.add(k.toString()));
      if (names.isEmpty()) {
        continue;
      }
      if (together) {
        sync(unlinking.send(Command.UNLINK, names.toArray()));
      } else {
        List<Future<Response>> each = new ArrayList<>();
        names.forEach(name -> each.add(unlinking.send(Command.UNLINK, name)));
        sync(Future.all(each));
      }
    } while (!"0".equals(cursor));
  }

  /** {@code host:port} of every master that is not failing, from CLUSTER NODES. */
  static List<String> masters(RedisStore store) throws Exception {
    List<String> masters = new ArrayList<>();
    for (String line : sync(store.send(Command.CLUSTER, "NODES")).toString().split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length > 2 && f[2].contains("master") && !f[2].contains("fail")) {
        masters.add(f[1].substring(0, f[1].indexOf('@')));
      }
    }
    return masters;
  }

  private static <T> T sync(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
