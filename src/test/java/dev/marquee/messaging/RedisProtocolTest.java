package dev.marquee.messaging;

import dev.marquee.testing.TestRedis;
import java.util.Map;

class RedisProtocolTest extends ProtocolContract {
  @Override
  protected Map<String, String> engineEnv() {
    return TestRedis.engineEnv();
  }
}
