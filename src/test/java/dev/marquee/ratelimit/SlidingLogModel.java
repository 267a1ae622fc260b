package dev.marquee.ratelimit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The obvious, slow sliding log that {@link RateLimiter} must agree with: every admission time is
 * kept, and a rule counts those in {@code (now - window, now]}. Written for clarity only, so a
 * disagreement points at the backend.
 */
final class SlidingLogModel {
  private final Map<String, List<Long>> admissions = new HashMap<>();

  private static String id(RateLimitKind kind, String key) {
    return kind + "/" + key;
  }

  RateLimitDecision acquire(List<RateLimitRule> rules, long now) {
    for (RateLimitRule rule : rules) {
      RateLimitDecision d = check(rule, now);
      if (!d.allowed()) {
        return d;
      }
    }
    for (RateLimitRule rule : rules) {
      admissions.computeIfAbsent(id(rule.kind(), rule.key()), k -> new ArrayList<>()).add(now);
    }
    return RateLimitDecision.ALLOWED;
  }

  RateLimitDecision check(RateLimitRule rule, long now) {
    List<Long> inWindow = inWindow(rule, now);
    if (inWindow.size() < rule.max()) {
      return RateLimitDecision.ALLOWED;
    }
    // One more fits once all but max - 1 of them have left; the last of those to leave decides.
    long decisive = inWindow.get(inWindow.size() - rule.max());
    return new RateLimitDecision(false, rule.kind(), decisive + rule.window().toMillis() - now);
  }

  void reset(RateLimitKind kind, String key) {
    admissions.remove(id(kind, key));
  }

  private List<Long> inWindow(RateLimitRule rule, long now) {
    long windowMs = rule.window().toMillis();
    List<Long> out = new ArrayList<>();
    for (long t : admissions.getOrDefault(id(rule.kind(), rule.key()), List.of())) {
      if (t > now - windowMs) {
        out.add(t);
      }
    }
    return out;
  }
}
