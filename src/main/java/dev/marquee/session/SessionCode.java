package dev.marquee.session;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/** Six characters from an alphabet without look-alikes (no 0/O, 1/I/L). A locator, not a secret. */
public final class SessionCode {
  public static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  public static final int LENGTH = 6;
  private static final SecureRandom RANDOM = new SecureRandom();

  private SessionCode() {}

  /** Normalises user input: case-insensitive, spaces and dashes ignored. Empty when invalid. */
  public static Optional<String> parse(String raw) {
    if (raw == null || raw.length() > 64) {
      return Optional.empty();
    }
    StringBuilder code = new StringBuilder(LENGTH);
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == ' ' || c == '-' || c == '\t') {
        continue;
      }
      char upper = Character.toUpperCase(c);
      if (ALPHABET.indexOf(upper) < 0 || code.length() == LENGTH) {
        return Optional.empty();
      }
      code.append(upper);
    }
    return code.length() == LENGTH ? Optional.of(code.toString()) : Optional.empty();
  }

  public static String random() {
    char[] code = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      code[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
    }
    return new String(code).toUpperCase(Locale.ROOT);
  }
}
