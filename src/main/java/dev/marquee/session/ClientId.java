package dev.marquee.session;

/**
 * A client's stable id, as PROTOCOL.md allows it in {@code join} and the moderation and presence
 * APIs: 1-64 of {@code A-Z a-z 0-9 . _ : -}. Checked on every join, so by a loop, not a regex.
 */
public final class ClientId {
  public static final int MAX_LENGTH = 64;

  /** The reason a client id is refused, for error frames and HTTP errors alike. */
  public static final String RULE = "1-64 letters, digits or ._:-";

  private ClientId() {}

  public static boolean valid(Object raw) {
    if (!(raw instanceof String s) || s.isEmpty() || s.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
