package dev.marquee.cluster;

import dev.marquee.testing.ChildCluster;
import dev.marquee.testing.TestRedis;
import java.util.Map;

/** Two servers on one three-node Redis Cluster: fan-out, limits, endings, presence and replay. */
class ClusterTwoInstancesTest extends TwoInstancesTest {
  @Override
  Map<String, String> redisEnv() {
    return TestRedis.engineEnv(ChildCluster.shared().url());
  }
}
