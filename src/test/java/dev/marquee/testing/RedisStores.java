package dev.marquee.testing;

import static dev.marquee.testing.Await.await;

import dev.marquee.store.RedisStore;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The stores one test opens, each on a fresh prefix of {@link TestRedis} (or of the Redis at the
 * URL given), and the Vert.x they run on: a contract may create several backends per test, and
 * every one must be cleaned and closed.
 */
public final class RedisStores implements AutoCloseable {
  private final String url;
  private final Vertx vertx = Vertx.vertx();
  private final List<RedisStore> cleaned = new ArrayList<>();
  private final List<RedisStore> closed = new ArrayList<>();

  public RedisStores() {
    this(TestRedis.URL);
  }

  public RedisStores(String url) {
    this.url = url;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** A store on a fresh prefix, cleaned when this closes. */
  public RedisStore open() {
    return open(TestRedis.uniquePrefix());
  }

  public RedisStore open(String prefix) {
    RedisStore store = TestRedis.store(vertx, url, prefix);
    cleaned.add(store);
    return store;
  }

  /** The first store opened. */
  public RedisStore first() {
    return cleaned.get(0);
  }

  /** A store the test made itself (through a proxy, say): closed, not cleaned, when this closes. */
  public RedisStore closeLater(RedisStore store) {
    closed.add(store);
    return store;
  }

  /** Deletes every key of every opened prefix, then closes the stores and Vert.x. */
  @Override
  public void close() {
    cleaned.forEach(TestRedis::clean);
    cleaned.forEach(s -> await(s.close()));
    closed.forEach(s -> await(s.close()));
    await(vertx.close());
  }
}
