package dev.marquee.session;

import java.util.Locale;

/** Why a session ended, as carried by the {@code ended} frame. */
public enum EndReason {
  EXPIRED,
  INACTIVE,
  CLOSED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static EndReason fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
