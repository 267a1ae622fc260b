package dev.marquee.ratelimit;

import dev.marquee.testing.RedisStores;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;

/**
 * The cluster path (rules taken one by one, refusals taken back) on the test server: its keys then
 * share one node, but the commands are the ones a cluster gets, one slot each.
 */
class RedisRuleByRuleRateLimiterTest extends RateLimiterContract {
  private final RedisStores redis = new RedisStores();

  @Override
  protected RateLimiter create(Clock clock) {
    return new RedisRateLimiter(redis.open(), clock, true);
  }

  @AfterEach
  void cleanUp() {
    redis.close();
  }
}
