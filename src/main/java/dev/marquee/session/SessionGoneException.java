package dev.marquee.session;

/** The session is not live any more (ended, expired, or never existed). */
public final class SessionGoneException extends RuntimeException {
  public SessionGoneException(String code) {
    super("session " + code + " is not live", null, false, false);
  }
}
