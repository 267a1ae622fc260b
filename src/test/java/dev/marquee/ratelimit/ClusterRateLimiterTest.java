package dev.marquee.ratelimit;

import dev.marquee.testing.ChildCluster;
import dev.marquee.testing.RedisStores;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;

/** The contract on a three-node Redis Cluster: each rule's log in a slot of its own. */
class ClusterRateLimiterTest extends RateLimiterContract {
  private final RedisStores redis = new RedisStores(ChildCluster.shared().url());

  @Override
  protected RateLimiter create(Clock clock) {
    return RateLimiter.redis(redis.open(), clock);
  }

  @AfterEach
  void cleanUp() {
    redis.close();
  }
}
