package dev.marquee.ratelimit;

import java.time.Clock;

class MemoryRateLimiterTest extends RateLimiterContract {
  @Override
  protected RateLimiter create(Clock clock) {
    return RateLimiter.memory(clock);
  }
}
