package dev.marquee.ratelimit;

import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Drives a limiter and {@link SlidingLogModel} through the same random schedule, comparing every
 * answer, then checks that no window-long span ever admitted more than {@code max}. Limits are
 * drawn per seed so small and large windows, and one-slot and roomy rules, all get exercised.
 */
final class RandomSchedule {
  /** What a run did, so a test can insist that both admissions and refusals were exercised. */
  record Summary(int admitted, int refused) {}

  private final long seed;
  private final Random random;
  private final MutableClock clock = new MutableClock();
  private final RateLimiter limiter;
  private final SlidingLogModel model = new SlidingLogModel();
  private final RateLimitRule[] controllers = new RateLimitRule[3];
  private final RateLimitRule[] ips = new RateLimitRule[2];

  /** Admission times per rule since its last reset, for the window invariant. */
  private final Map<RateLimitRule, List<Long>> admissions = new HashMap<>();

  private int admitted;
  private int refused;

  RandomSchedule(long seed, Function<MutableClock, RateLimiter> factory) {
    this.seed = seed;
    this.random = new Random(seed);
    this.limiter = factory.apply(clock);
    int controllerMax = 1 + random.nextInt(5);
    Duration controllerWindow = Duration.ofMillis(1_000 + random.nextInt(90_000));
    for (int i = 0; i < controllers.length; i++) {
      controllers[i] =
          new RateLimitRule(RateLimitKind.CONTROLLER, "c-" + i, controllerMax, controllerWindow);
    }
    int ipMax = 1 + random.nextInt(8);
    Duration ipWindow = Duration.ofMillis(1_000 + random.nextInt(90_000));
    for (int i = 0; i < ips.length; i++) {
      ips[i] = new RateLimitRule(RateLimitKind.IP, "10.0.0." + i, ipMax, ipWindow);
    }
  }

  Summary run(int steps) {
    long start = clock.millis();
    for (int step = 0; step < steps; step++) {
      long now = clock.millis();
      String where = "seed " + seed + ", step " + step + ", at +" + (now - start) + " ms";
      RateLimitRule c = controllers[random.nextInt(controllers.length)];
      RateLimitRule ip = ips[random.nextInt(ips.length)];
      int op = random.nextInt(100);
      if (op < 80) {
        List<RateLimitRule> rules =
            op < 55 ? List.of(c, ip) : op < 65 ? List.of(ip, c) : List.of(op < 73 ? c : ip);
        RateLimitDecision expected = model.acquire(rules, now);
        assertThat(await(limiter.acquire(rules)))
            .as("acquire %s at %s", rules, where)
            .isEqualTo(expected);
        if (expected.allowed()) {
          admitted++;
          rules.forEach(r -> admissions.computeIfAbsent(r, k -> new ArrayList<>()).add(now));
        } else {
          refused++;
        }
      } else if (op < 95) {
        RateLimitRule rule = random.nextBoolean() ? c : ip;
        assertThat(await(limiter.check(rule)))
            .as("check %s at %s", rule, where)
            .isEqualTo(model.check(rule, now));
      } else {
        RateLimitRule rule = random.nextBoolean() ? c : ip;
        await(limiter.reset(rule.kind(), rule.key()));
        model.reset(rule.kind(), rule.key());
        admissions.remove(rule);
      }
      clock.advance(Duration.ofMillis(nextAdvance()));
    }
    admissions.forEach(RandomSchedule::assertNoWindowOverfilled);
    return new Summary(admitted, refused);
  }

  /** Often no time at all or a little, sometimes a lot: bursts, trickles and quiet spells. */
  private long nextAdvance() {
    int kind = random.nextInt(4);
    return kind == 0 ? 0 : kind == 3 ? random.nextInt(30_001) : random.nextInt(3_001);
  }

  /** Admissions t[i] and t[i + max] must be a whole window apart, or a span held max + 1. */
  private static void assertNoWindowOverfilled(RateLimitRule rule, List<Long> times) {
    long windowMs = rule.window().toMillis();
    for (int i = 0; i + rule.max() < times.size(); i++) {
      assertThat(times.get(i + rule.max()) - times.get(i))
          .as("%s admissions %d and %d", rule, i, i + rule.max())
          .isGreaterThanOrEqualTo(windowMs);
    }
  }
}
