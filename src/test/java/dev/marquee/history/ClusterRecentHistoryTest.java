package dev.marquee.history;

import dev.marquee.testing.ChildCluster;
import dev.marquee.testing.RedisStores;
import org.junit.jupiter.api.AfterEach;

/** The contract on a three-node Redis Cluster. */
class ClusterRecentHistoryTest extends RecentHistoryContract {
  private final RedisStores redis = new RedisStores(ChildCluster.shared().url());

  @Override
  protected RecentHistory create() {
    return RecentHistory.redis(redis.open());
  }

  @AfterEach
  void cleanUp() {
    redis.close();
  }
}
