package dev.marquee.presence;

import static dev.marquee.testing.Await.await;

import dev.marquee.testing.ChildCluster;
import dev.marquee.testing.RedisStores;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;

/** The contract on a three-node Redis Cluster, where the presence index and each hash are apart. */
class ClusterPresenceRegistryTest extends PresenceRegistryContract {
  private final RedisStores redis = new RedisStores(ChildCluster.shared().url());

  @Override
  protected PresenceRegistry create(Clock clock) {
    return PresenceRegistry.redis(redis.open(), clock, "i-1", IDLE_TIMEOUT);
  }

  @AfterEach
  void cleanUp() {
    await(presence.close());
    redis.close();
  }
}
