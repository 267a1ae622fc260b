package dev.marquee.ratelimit;

import java.util.Locale;
import java.util.Optional;

/**
 * What a limit counts: messages per controller or per IP, new sockets per IP, failed joins per IP,
 * HTTP API requests per IP.
 */
public enum RateLimitKind {
  CONTROLLER,
  IP,
  CONNECTION,
  JOIN,
  HTTP;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<RateLimitKind> fromWire(String value) {
    for (RateLimitKind kind : values()) {
      if (kind.wire().equals(value)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
