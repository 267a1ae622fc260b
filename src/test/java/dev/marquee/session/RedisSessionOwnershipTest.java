package dev.marquee.session;

import dev.marquee.testing.TestRedis;
import java.util.Map;

/** Session ownership on the Redis engine, on the machine's Redis. */
class RedisSessionOwnershipTest extends SessionOwnershipContract {
  @Override
  Map<String, String> engineEnv() {
    return TestRedis.engineEnv();
  }
}
