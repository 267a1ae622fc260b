package dev.marquee.session;

import dev.marquee.testing.ChildCluster;
import dev.marquee.testing.MutableClock;
import dev.marquee.testing.RedisStores;
import dev.marquee.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;

/** The contract on a three-node Redis Cluster, where the live index and each hash are apart. */
class ClusterSessionStoreTest extends SessionStoreContract {
  private final RedisStores redis = new RedisStores(ChildCluster.shared().url());

  @Override
  protected SessionStore create() {
    return SessionStore.redis(TestRedis.markEngineIntact(redis.open()), new MutableClock(CREATED));
  }

  @AfterEach
  void cleanUp() {
    redis.close();
  }
}
