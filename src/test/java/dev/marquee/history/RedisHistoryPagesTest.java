package dev.marquee.history;

import dev.marquee.testing.TestRedis;
import java.util.Map;

class RedisHistoryPagesTest extends HistoryPagesContract {
  @Override
  protected Map<String, String> engineEnv() {
    return TestRedis.engineEnv();
  }
}
