package dev.marquee.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads typed values out of the environment, collecting every problem instead of stopping. */
final class EnvReader {
  /** The longest duration any variable takes: ten years. */
  static final long MAX_MILLIS = 10L * 365 * 86_400_000;

  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  EnvReader(Map<String, String> env) {
    this.env = env;
  }

  List<String> problems() {
    return problems;
  }

  void problem(String name, String message) {
    problems.add(name + ": " + message);
  }

  Optional<String> string(String name) {
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(raw.trim());
  }

  String string(String name, String fallback) {
    return string(name).orElse(fallback);
  }

  long longValue(String name, long fallback, long min, long max) {
    Optional<String> raw = string(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(raw.get().replace("_", ""));
      if (value < min || value > max) {
        problem(name, "must be between " + min + " and " + max + ", got " + value);
        return fallback;
      }
      return value;
    } catch (NumberFormatException e) {
      problem(name, "must be a whole number, got '" + raw.get() + "'");
      return fallback;
    }
  }

  /** Milliseconds from 1 to {@link #MAX_MILLIS}. */
  Duration millis(String name, long fallback) {
    return Duration.ofMillis(longValue(name, fallback, 1, MAX_MILLIS));
  }

  /**
   * Milliseconds from 1 to {@code max}, or {@code forever} (any case) for no limit, which is empty.
   * Zero is refused rather than read as either "keep nothing" or "keep everything".
   */
  Optional<Duration> millisOrForever(String name, long fallback, long max, String forever) {
    Optional<String> raw = string(name);
    if (raw.isEmpty()) {
      return Optional.of(Duration.ofMillis(fallback));
    }
    if (raw.get().equalsIgnoreCase(forever)) {
      return Optional.empty();
    }
    String expected = "a number of milliseconds from 1 to " + max + ", or '" + forever + "'";
    try {
      long value = Long.parseLong(raw.get().replace("_", ""));
      if (value < 1 || value > max) {
        problem(name, "must be " + expected + ", got " + value);
        return Optional.of(Duration.ofMillis(fallback));
      }
      return Optional.of(Duration.ofMillis(value));
    } catch (NumberFormatException e) {
      problem(name, "must be " + expected + ", got '" + raw.get() + "'");
      return Optional.of(Duration.ofMillis(fallback));
    }
  }

  int intValue(String name, int fallback, int min, int max) {
    return (int) longValue(name, fallback, min, max);
  }

  double ratio(String name, double fallback) {
    Optional<String> raw = string(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      double value = Double.parseDouble(raw.get());
      if (!(value > 0 && value <= 1)) {
        problem(name, "must be a number in (0, 1], got " + raw.get());
        return fallback;
      }
      return value;
    } catch (NumberFormatException e) {
      problem(name, "must be a number in (0, 1], got '" + raw.get() + "'");
      return fallback;
    }
  }

  Path path(String name, String fallback) {
    String raw = string(name, fallback);
    try {
      return Path.of(raw);
    } catch (RuntimeException e) {
      problem(name, "is not a valid path: '" + raw + "'");
      return Path.of(fallback);
    }
  }

  <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
    Optional<String> raw = string(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    String wanted = raw.get().toUpperCase(Locale.ROOT);
    for (E value : type.getEnumConstants()) {
      if (value.name().equals(wanted)) {
        return value;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E value : type.getEnumConstants()) {
      allowed.add(value.name().toLowerCase(Locale.ROOT));
    }
    problem(name, "must be one of " + allowed + ", got '" + raw.get() + "'");
    return fallback;
  }
}
