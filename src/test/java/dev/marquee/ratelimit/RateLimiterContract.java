package dev.marquee.ratelimit;

import static dev.marquee.ratelimit.RateLimitKind.CONNECTION;
import static dev.marquee.ratelimit.RateLimitKind.CONTROLLER;
import static dev.marquee.ratelimit.RateLimitKind.IP;
import static dev.marquee.ratelimit.RateLimitKind.JOIN;
import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.ratelimit.RateLimiter.KeyCount;
import dev.marquee.ratelimit.RateLimiter.Stats;
import dev.marquee.testing.MutableClock;
import dev.marquee.testing.Race;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every {@link RateLimiter} backend promises: an exact sliding window, all-or-nothing across
 * rules, exact waits. Time is a {@link MutableClock}, so waits are asserted to the millisecond;
 * beyond the examples, {@link RandomSchedule} compares the backend with a reference model.
 */
abstract class RateLimiterContract {
  static final Duration MINUTE = Duration.ofSeconds(60);

  /** A fresh limiter reading time from {@code clock}; isolated from every other instance. */
  protected abstract RateLimiter create(Clock clock);

  final MutableClock clock = new MutableClock();
  RateLimiter limiter;

  @BeforeEach
  void createLimiter() {
    limiter = create(clock);
  }

  static RateLimitRule controller(String key, int max) {
    return new RateLimitRule(CONTROLLER, key, max, MINUTE);
  }

  static RateLimitRule ip(String key, int max) {
    return new RateLimitRule(IP, key, max, MINUTE);
  }

  RateLimitDecision acquire(RateLimitRule... rules) {
    return await(limiter.acquire(List.of(rules)));
  }

  static RateLimitDecision refusedBy(RateLimitKind kind, long waitMs) {
    return new RateLimitDecision(false, kind, waitMs);
  }

  void advanceSeconds(long seconds) {
    clock.advance(Duration.ofSeconds(seconds));
  }

  @Test
  void admitsMaxThenRefusesUntilTheOldestAdmissionLeavesTheWindow() {
    RateLimitRule rule = controller("c-1", 3);
    assertThat(acquire(rule).allowed()).isTrue();
    advanceSeconds(10);
    assertThat(acquire(rule).allowed()).isTrue();
    advanceSeconds(10);
    assertThat(acquire(rule).allowed()).isTrue();
    advanceSeconds(5);

    // Admitted at 0, 10 and 20 s; now 25 s: the one from 0 s leaves at 60 s.
    assertThat(acquire(rule)).isEqualTo(refusedBy(CONTROLLER, 35_000));
  }

  @Test
  void waitingExactlyTheAnnouncedTimeAdmitsOneMore() {
    RateLimitRule rule = controller("c-1", 2);
    acquire(rule);
    advanceSeconds(10);
    acquire(rule);
    long wait = acquire(rule).retryAfterMs();
    assertThat(wait).isEqualTo(50_000);

    clock.advance(Duration.ofMillis(wait - 1));
    assertThat(acquire(rule)).isEqualTo(refusedBy(CONTROLLER, 1));
    clock.advance(Duration.ofMillis(1));
    assertThat(acquire(rule).allowed()).isTrue();
    // Now the admission from 10 s is the one that must leave next.
    assertThat(acquire(rule)).isEqualTo(refusedBy(CONTROLLER, 10_000));
  }

  @Test
  void admissionsInTheSameMillisecondAllCount() {
    RateLimitRule rule = controller("c-1", 3);
    acquire(rule);
    acquire(rule);
    acquire(rule);

    assertThat(acquire(rule)).isEqualTo(refusedBy(CONTROLLER, 60_000));
    clock.advance(MINUTE);
    assertThat(acquire(rule).allowed()).isTrue();
  }

  @Test
  void keysAndKindsAreLimitedSeparately() {
    acquire(controller("c-1", 1));

    assertThat(acquire(controller("c-1", 1)).allowed()).isFalse();
    assertThat(acquire(controller("c-2", 1)).allowed()).isTrue();
    assertThat(acquire(new RateLimitRule(JOIN, "c-1", 1, MINUTE)).allowed()).isTrue();
  }

  @Test
  void refusalByTheSecondRuleRecordsNothingForTheFirst() {
    RateLimitRule controller = controller("c-1", 3);
    RateLimitRule ip = ip("10.0.0.1", 2);
    assertThat(acquire(controller, ip).allowed()).isTrue();
    advanceSeconds(10);
    assertThat(acquire(controller, ip).allowed()).isTrue();
    advanceSeconds(10);
    assertThat(acquire(controller, ip)).isEqualTo(refusedBy(IP, 40_000));
    assertThat(acquire(controller, ip)).isEqualTo(refusedBy(IP, 40_000));

    // Had the refusals been recorded for the controller, its third admission would be refused.
    assertThat(acquire(controller).allowed()).isTrue();
    assertThat(acquire(controller)).isEqualTo(refusedBy(CONTROLLER, 40_000));
  }

  @Test
  void refusalByTheFirstRuleRecordsNothingForTheSecond() {
    RateLimitRule controller = controller("c-1", 1);
    RateLimitRule ip = ip("10.0.0.1", 3);
    acquire(controller, ip);
    for (int i = 0; i < 5; i++) {
      assertThat(acquire(controller, ip).limitedBy()).isEqualTo(CONTROLLER);
    }

    assertThat(acquire(ip).allowed()).isTrue();
    assertThat(acquire(ip).allowed()).isTrue();
    assertThat(acquire(ip).allowed()).isFalse();
  }

  @Test
  void refusalNamesTheFirstRefusingRuleWithItsWait() {
    RateLimitRule controller = controller("c-1", 1);
    RateLimitRule ip = new RateLimitRule(IP, "10.0.0.1", 1, Duration.ofSeconds(30));
    acquire(controller, ip);
    advanceSeconds(5);

    assertThat(acquire(controller, ip)).isEqualTo(refusedBy(CONTROLLER, 55_000));
    assertThat(acquire(ip, controller)).isEqualTo(refusedBy(IP, 25_000));
  }

  @Test
  void checkAnswersLikeAcquireButRecordsNothing() {
    RateLimitRule rule = controller("c-1", 2);
    assertThat(await(limiter.check(rule)).allowed()).isTrue();
    for (int i = 0; i < 10; i++) {
      await(limiter.check(rule));
    }
    acquire(rule);
    advanceSeconds(10);
    assertThat(acquire(rule).allowed()).isTrue();

    assertThat(await(limiter.check(rule))).isEqualTo(refusedBy(CONTROLLER, 50_000));
    assertThat(acquire(rule)).isEqualTo(refusedBy(CONTROLLER, 50_000));
  }

  @Test
  void resetForgetsOnlyThatKey() {
    RateLimitRule rule = controller("c-1", 1);
    acquire(rule);
    acquire(controller("c-2", 1));
    acquire(new RateLimitRule(JOIN, "c-1", 1, MINUTE));

    await(limiter.reset(CONTROLLER, "c-1"));

    assertThat(acquire(rule).allowed()).isTrue();
    assertThat(acquire(rule).allowed()).isFalse();
    assertThat(acquire(controller("c-2", 1)).allowed()).isFalse();
    assertThat(acquire(new RateLimitRule(JOIN, "c-1", 1, MINUTE)).allowed()).isFalse();
  }

  @Test
  void statsCountRefusalsByKindAndListTheMostLimitedKeys() {
    acquire(controller("c-1", 1));
    acquire(controller("c-2", 1));
    acquire(ip("10.0.0.1", 1));
    for (int i = 0; i < 3; i++) {
      acquire(controller("c-1", 1));
    }
    acquire(controller("c-2", 1));
    acquire(ip("10.0.0.1", 1));
    acquire(ip("10.0.0.1", 1));
    acquire(controller("c-3", 1));

    Stats stats = await(limiter.stats(10));

    assertThat(stats.refusalsByKind().get(CONTROLLER)).isEqualTo(4);
    assertThat(stats.refusalsByKind().get(IP)).isEqualTo(2);
    assertThat(stats.refusalsByKind().getOrDefault(CONNECTION, 0L)).isZero();
    assertThat(stats.mostLimited())
        .containsExactly(
            new KeyCount(CONTROLLER, "c-1", 3),
            new KeyCount(IP, "10.0.0.1", 2),
            new KeyCount(CONTROLLER, "c-2", 1));
    assertThat(await(limiter.stats(1)).mostLimited())
        .containsExactly(new KeyCount(CONTROLLER, "c-1", 3));
  }

  @Test
  void resetKeyLeavesTheMostLimitedList() {
    acquire(controller("c-1", 1));
    acquire(controller("c-1", 1));

    await(limiter.reset(CONTROLLER, "c-1"));

    assertThat(await(limiter.stats(10)).mostLimited()).isEmpty();
  }

  @Test
  void concurrentAcquisitionsOnOneKeyAdmitExactlyMax() {
    // Several short races on fresh keys: contention is fiercest just after the threads are let go.
    for (int round = 0; round < 20; round++) {
      RateLimitRule rule = controller("c-" + round, 100);

      List<Integer> admitted =
          Race.run(
              16,
              i -> {
                int n = 0;
                for (int k = 0; k < 15; k++) {
                  n += acquire(rule).allowed() ? 1 : 0;
                }
                return n;
              });

      assertThat(admitted.stream().mapToInt(Integer::intValue).sum())
          .as("admitted in round %d", round)
          .isEqualTo(100);
    }
  }

  @Test
  void concurrentAcquisitionsSharingAnIpRecordNothingWhenRefused() {
    RateLimitRule ip = ip("10.0.0.1", 20);
    int threads = 8;

    List<Integer> admitted =
        Race.run(
            threads,
            i -> {
              int n = 0;
              for (int k = 0; k < 10; k++) {
                n += acquire(controller("c-" + i, 5), ip).allowed() ? 1 : 0;
              }
              return n;
            });

    assertThat(admitted.stream().mapToInt(Integer::intValue).sum()).isEqualTo(20);
    for (int i = 0; i < threads; i++) {
      // Each controller has room for exactly what it was not admitted, refusals included.
      int room = 0;
      while (acquire(controller("c-" + i, 5)).allowed()) {
        room++;
      }
      assertThat(room).as("room left for c-%d", i).isEqualTo(5 - admitted.get(i));
    }
  }

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 50);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void agreesWithASlidingLogOnRandomSchedules(long seed) {
    RandomSchedule.Summary run = new RandomSchedule(seed, this::create).run(500);

    assertThat(run.admitted()).as("admissions").isPositive();
    assertThat(run.refused()).as("refusals").isPositive();
  }
}
