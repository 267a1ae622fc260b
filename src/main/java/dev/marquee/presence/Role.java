package dev.marquee.presence;

import java.util.Locale;
import java.util.Optional;

/** What a member of a session does: a display shows messages, a controller sends them. */
public enum Role {
  DISPLAY,
  CONTROLLER;

  private final String wire = name().toLowerCase(Locale.ROOT);

  public String wire() {
    return wire;
  }

  public static Optional<Role> fromWire(String value) {
    if ("display".equals(value)) {
      return Optional.of(DISPLAY);
    }
    if ("controller".equals(value)) {
      return Optional.of(CONTROLLER);
    }
    return Optional.empty();
  }
}
