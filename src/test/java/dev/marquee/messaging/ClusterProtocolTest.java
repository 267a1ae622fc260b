package dev.marquee.messaging;

import dev.marquee.testing.ChildCluster;
import dev.marquee.testing.TestRedis;
import java.util.Map;

/** The whole WebSocket protocol on a server whose Redis is a three-node cluster. */
class ClusterProtocolTest extends ProtocolContract {
  @Override
  protected Map<String, String> engineEnv() {
    return TestRedis.engineEnv(ChildCluster.shared().url());
  }
}
