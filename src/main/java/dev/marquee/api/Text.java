package dev.marquee.api;

/** What user text must be to be stored and shown as sent. */
public final class Text {
  private Text() {}

  /**
   * False if {@code s} has an unpaired surrogate: a JSON escape such as {@code \ud800} decodes to
   * one, and it cannot be written as UTF-8 (it would reach displays and history as '?').
   */
  public static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** Whether PostgreSQL can store {@code s} as text: it cannot hold U+0000. */
  public static boolean storable(String s) {
    return s.indexOf('\u0000') < 0 && wellFormed(s);
  }
}
