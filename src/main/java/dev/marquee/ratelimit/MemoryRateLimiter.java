package dev.marquee.ratelimit;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sliding logs in this process, one per (kind, key), holding at most {@code max} timestamps. Pick
 * it for one instance; logs are pruned as they are read, and logs left empty are dropped every ten
 * seconds.
 */
final class MemoryRateLimiter implements RateLimiter {
  private final Clock clock;
  private final ConcurrentHashMap<String, Log> logs = new ConcurrentHashMap<>();
  private final Map<RateLimitKind, AtomicLong> refusals = new EnumMap<>(RateLimitKind.class);
  private final ConcurrentHashMap<String, AtomicLong> refusalsByKey = new ConcurrentHashMap<>();
  private final AtomicLong lastPrune = new AtomicLong();
  private static final long PRUNE_EVERY_MS = 10_000;

  MemoryRateLimiter(Clock clock) {
    this.clock = clock;
    for (RateLimitKind kind : RateLimitKind.values()) {
      refusals.put(kind, new AtomicLong());
    }
  }

  /** A ring of the admission times still inside the window, oldest first. */
  private static final class Log {
    long[] times = new long[4];
    int head;
    int size;
    long windowMs;
    boolean dead;

    void prune(long now) {
      while (size > 0 && times[head] <= now - windowMs) {
        head = (head + 1) % times.length;
        size--;
      }
    }

    long waitFor(long now, int max) {
      if (size < max) {
        return 0;
      }
      // The oldest of the newest `max - 1` admissions must leave the window first.
      long oldest = times[(head + size - max) % times.length];
      return oldest + windowMs - now;
    }

    void add(long now) {
      if (size == times.length) {
        long[] grown = new long[times.length * 2];
        for (int i = 0; i < size; i++) {
          grown[i] = times[(head + i) % times.length];
        }
        times = grown;
        head = 0;
      }
      times[(head + size) % times.length] = now;
      size++;
    }
  }

  private static String id(RateLimitKind kind, String key) {
    return kind.ordinal() + ":" + key;
  }

  @Override
  public Future<RateLimitDecision> acquire(List<RateLimitRule> rules) {
    long now = clock.millis();
    long last = lastPrune.get();
    if (now - last > PRUNE_EVERY_MS && lastPrune.compareAndSet(last, now)) {
      prune();
    }
    while (true) {
      List<Log> held = new ArrayList<>(rules.size());
      for (RateLimitRule rule : rules) {
        held.add(logs.computeIfAbsent(id(rule.kind(), rule.key()), k -> new Log()));
      }
      // Lock logs in a stable order so two acquisitions sharing keys cannot deadlock.
      List<Log> order = new ArrayList<>(held);
      order.sort(Comparator.comparingInt(System::identityHashCode));
      RateLimitDecision decision = lockAll(order, 0, () -> decide(rules, held, now));
      if (decision != null) {
        return Future.succeededFuture(decision);
      }
    }
  }

  /** Null when a log was pruned away under us: the caller retries with fresh logs. */
  private RateLimitDecision decide(List<RateLimitRule> rules, List<Log> held, long now) {
    for (Log log : held) {
      if (log.dead) {
        return null;
      }
    }
    for (int i = 0; i < rules.size(); i++) {
      RateLimitRule rule = rules.get(i);
      Log log = held.get(i);
      log.windowMs = rule.window().toMillis();
      log.prune(now);
      long wait = log.waitFor(now, rule.max());
      if (wait > 0) {
        refusals.get(rule.kind()).incrementAndGet();
        refusalsByKey
            .computeIfAbsent(id(rule.kind(), rule.key()), k -> new AtomicLong())
            .incrementAndGet();
        return RateLimitDecision.refused(rule.kind(), wait);
      }
    }
    for (Log log : held) {
      log.add(now);
    }
    return RateLimitDecision.ALLOWED;
  }

  private static RateLimitDecision lockAll(
      List<Log> order, int i, java.util.function.Supplier<RateLimitDecision> body) {
    if (i == order.size()) {
      return body.get();
    }
    synchronized (order.get(i)) {
      return lockAll(order, i + 1, body);
    }
  }

  @Override
  public Future<RateLimitDecision> check(RateLimitRule rule) {
    Log log = logs.get(id(rule.kind(), rule.key()));
    if (log == null) {
      return Future.succeededFuture(RateLimitDecision.ALLOWED);
    }
    long now = clock.millis();
    synchronized (log) {
      log.windowMs = rule.window().toMillis();
      log.prune(now);
      long wait = log.waitFor(now, rule.max());
      return Future.succeededFuture(
          wait > 0 ? RateLimitDecision.refused(rule.kind(), wait) : RateLimitDecision.ALLOWED);
    }
  }

  @Override
  public Future<Void> reset(RateLimitKind kind, String key) {
    logs.remove(id(kind, key));
    refusalsByKey.remove(id(kind, key));
    return Future.succeededFuture();
  }

  @Override
  public Future<Stats> stats(int top) {
    Map<RateLimitKind, Long> byKind = new EnumMap<>(RateLimitKind.class);
    refusals.forEach((k, v) -> byKind.put(k, v.get()));
    List<KeyCount> keys = new ArrayList<>();
    refusalsByKey.forEach(
        (id, count) -> {
          int colon = id.indexOf(':');
          RateLimitKind kind = RateLimitKind.values()[Integer.parseInt(id.substring(0, colon))];
          keys.add(new KeyCount(kind, id.substring(colon + 1), count.get()));
        });
    keys.sort(Comparator.comparingLong(KeyCount::refusals).reversed());
    return Future.succeededFuture(
        new Stats(byKind, List.copyOf(keys.subList(0, Math.min(top, keys.size())))));
  }

  /** Drops logs with nothing left in their window. */
  private void prune() {
    long now = clock.millis();
    logs.entrySet()
        .removeIf(
            e -> {
              synchronized (e.getValue()) {
                e.getValue().prune(now);
                e.getValue().dead = e.getValue().size == 0;
                return e.getValue().dead;
              }
            });
  }
}
