package dev.marquee.ratelimit;

import dev.marquee.config.RedisUrl;
import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Exact rolling-window limits: a rule admits an event only if fewer than {@code max} events were
 * admitted for its key in the last {@code window} (a sliding log, not fixed buckets, so no span of
 * {@code window} ever holds more than {@code max}).
 *
 * <p>Failure policy: when the backend cannot answer, the future fails and callers refuse the action
 * (fail closed for sends, joins and connections).
 */
public interface RateLimiter {

  /** Limits in this process, with time from {@code clock}. */
  static RateLimiter memory(Clock clock) {
    return new MemoryRateLimiter(clock);
  }

  /**
   * Limits shared by every instance through Redis, with time from {@code clock} (instances keep
   * their clocks in step). One round trip per acquisition on a standalone server or Sentinel; on a
   * cluster one per rule, and a multi-rule acquisition may briefly over-refuse (docs/redis.md).
   */
  static RateLimiter redis(RedisStore store, Clock clock) {
    return new RedisRateLimiter(store, clock, store.url().mode() == RedisUrl.Mode.CLUSTER);
  }

  /**
   * Admits one event against every rule, or none: if any rule refuses, nothing is recorded for any
   * of them and the decision names the first refusing rule with its wait.
   */
  Future<RateLimitDecision> acquire(List<RateLimitRule> rules);

  /** What {@link #acquire} would answer, recording nothing. */
  Future<RateLimitDecision> check(RateLimitRule rule);

  /** Forgets the key's history (an operator unblocking someone). */
  Future<Void> reset(RateLimitKind kind, String key);

  /** Refusals by kind and the most refused keys since start (or since the last reset). */
  Future<Stats> stats(int top);

  record Stats(Map<RateLimitKind, Long> refusalsByKind, List<KeyCount> mostLimited) {}

  record KeyCount(RateLimitKind kind, String key, long refusals) {}
}
