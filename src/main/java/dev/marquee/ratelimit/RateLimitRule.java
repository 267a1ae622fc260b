package dev.marquee.ratelimit;

import java.time.Duration;

/** At most {@code max} events for {@code key} in any span of {@code window}. */
public record RateLimitRule(RateLimitKind kind, String key, int max, Duration window) {}
