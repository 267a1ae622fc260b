package dev.marquee.ratelimit;

/**
 * The answer to one acquisition: allowed, or refused by {@code limitedBy} with the wait until one
 * more event would be admitted.
 */
public record RateLimitDecision(boolean allowed, RateLimitKind limitedBy, long retryAfterMs) {
  public static final RateLimitDecision ALLOWED = new RateLimitDecision(true, null, 0);

  public static RateLimitDecision refused(RateLimitKind kind, long retryAfterMs) {
    return new RateLimitDecision(false, kind, Math.max(1, retryAfterMs));
  }

  /** Whole seconds for an HTTP {@code Retry-After} header, rounded up. */
  public long retryAfterSeconds() {
    return (retryAfterMs + 999) / 1000;
  }
}
