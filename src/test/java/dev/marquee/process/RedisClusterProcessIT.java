package dev.marquee.process;

import dev.marquee.testing.ChildCluster;
import dev.marquee.testing.TestRedis;
import java.util.Map;

/**
 * The same on a three-node Redis Cluster: what the killed instance had accepted waits in session
 * streams on any node, and the survivor's archiver claims and stores it.
 */
class RedisClusterProcessIT extends ClusterProcessIT {
  @Override
  Map<String, String> redisEnv() {
    return TestRedis.engineEnv(ChildCluster.shared().url());
  }
}
