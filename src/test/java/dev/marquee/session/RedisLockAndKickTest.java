package dev.marquee.session;

import dev.marquee.testing.TestRedis;
import java.util.Map;

class RedisLockAndKickTest extends LockAndKickContract {
  @Override
  protected Map<String, String> engineEnv() {
    return TestRedis.engineEnv();
  }
}
