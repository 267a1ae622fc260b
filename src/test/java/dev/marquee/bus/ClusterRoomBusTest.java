package dev.marquee.bus;

import static dev.marquee.testing.Await.await;

import dev.marquee.testing.ChildCluster;
import dev.marquee.testing.RedisStores;
import org.junit.jupiter.api.AfterEach;

/** The contract on a three-node Redis Cluster. */
class ClusterRoomBusTest extends RoomBusContract {
  private final RedisStores redis = new RedisStores(ChildCluster.shared().url());

  @Override
  protected RoomBus create() {
    return RoomBus.redis(redis.open());
  }

  @AfterEach
  void closeEverything() {
    await(bus.close());
    redis.close();
  }
}
